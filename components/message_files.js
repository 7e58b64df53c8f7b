// A message's attachments (a NiceGUI dependency, imported as "message_files"): images as their thumbnail, the
// box reserved from the stored size so the list does not jump when it loads; anything else as a card with
// name, size and type. Both open the file in a new tab. components/attachments.py: file_urls() builds the same URLs.
import { formatSize } from "chat_format";

const THUMB_MAX = 360; // the box the list shows an image in (the stored thumbnail: state/files/images.py THUMB_BOX)

export function fileUrl(a) {
  return `/files/${a.id}/${encodeURIComponent(a.name)}`;
}

export function thumbStyle(a) {
  if (!a.width || !a.height) return {};
  const scale = Math.min(1, THUMB_MAX / Math.max(a.width, a.height));
  return { width: Math.round(a.width * scale) + "px", height: Math.round(a.height * scale) + "px" };
}

export const MessageFiles = {
  template: `
    <div class="chat-files">
      <template v-for="a in attachments" :key="a.id">
        <a v-if="a.has_thumbnail" class="chat-file-image" data-testid="attachment" :data-kind="'image'"
           :href="fileUrl(a)" target="_blank" rel="noopener">
          <img :src="'/files/' + a.id + '/thumb'" :alt="a.name" loading="lazy" :style="thumbStyle(a)" />
        </a>
        <a v-else class="chat-file-card" data-testid="attachment" :data-kind="'file'" :href="fileUrl(a)" target="_blank" rel="noopener">
          <span class="chat-file-card__icon">📄</span>
          <span class="chat-file-card__meta"><b>{{ a.name }}</b><small>{{ formatSize(a.size) }} · {{ a.mime }}</small></span>
        </a>
      </template>
    </div>`,
  props: {
    attachments: { type: Array, default: () => [] }, // AttachmentView JSON
  },
  methods: { fileUrl, thumbStyle, formatSize },
};
