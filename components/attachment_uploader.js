// File attachments for the composer: a button with a hidden <input type=file multiple>, drag and drop onto a
// zone (an element marked data-attach-zone), paste from the clipboard, one XHR per file with progress, and
// a tray of pending uploads with remove buttons. Files go to POST /files/upload/{channel} as the raw body;
// the server checks size, type and membership and answers the pending attachment (or an error to show).
// Python hears "uploaded" ({channel_id, view}), "removed" ({id}) and "busy" ({count}).
import { formatSize } from "chat_format";

const ZONE_ATTRIBUTE = "data-attach-zone";
let nextKey = 1;

function carriesFiles(event) {
  const types = event.dataTransfer ? Array.from(event.dataTransfer.types || []) : [];
  return types.includes("Files");
}

function elementOf(target) {
  return target instanceof Element ? target : target && target.parentElement;
}

export default {
  template: `
  <div class="chat-attach" :${ZONE_ATTRIBUTE}="dropTarget ? null : ''">
    <input ref="input" type="file" multiple data-testid="attach" class="chat-attach__input" tabindex="-1" @change="picked" />
    <button type="button" class="chat-attach__button" data-testid="attach-button" title="Attach files"
            :disabled="!channelId" @click="$refs.input.click()">📎</button>
    <div v-if="items.length" class="chat-attach__tray" data-testid="pending-uploads">
      <div v-for="item in items" :key="item.key" class="chat-attach__item" :class="'chat-attach__item--' + item.state"
           data-testid="pending-upload" :data-name="item.name" :data-state="item.state">
        <span class="chat-attach__name" :title="item.name">{{ item.name }}</span>
        <small class="chat-attach__size">{{ formatSize(item.size) }}</small>
        <progress v-if="item.state === 'uploading'" class="chat-attach__progress" max="100" :value="item.progress"></progress>
        <small v-if="item.state === 'error'" class="chat-attach__error" data-testid="upload-error">{{ item.error }}</small>
        <button type="button" class="chat-attach__remove" data-testid="remove-upload" title="Remove" @click="remove(item)">✕</button>
      </div>
    </div>
  </div>`,
  props: {
    channelId: Number,
    token: String, // the page's upload token (CSRF), sent as X-Upload-Token
    maxBytes: Number,
    dropTarget: String, // DOM id of the zone; empty: this element itself
  },
  data() {
    return { items: [] };
  },
  created() {
    this.requests = new Map(); // item key -> XMLHttpRequest (kept out of Vue's reactivity)
    this.lastBusy = 0;
  },
  mounted() {
    this.onDragOver = (event) => {
      if (!carriesFiles(event)) return;
      event.preventDefault(); // also outside the zone: a dropped file must never replace the page
      const inside = this.inZone(event);
      event.dataTransfer.dropEffect = inside ? "copy" : "none";
      this.highlight(inside);
    };
    this.onDragLeave = (event) => {
      const zone = this.zone();
      if (zone && !zone.contains(elementOf(event.relatedTarget))) this.highlight(false);
    };
    this.onDrop = (event) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      this.highlight(false);
      if (this.inZone(event)) this.add(event.dataTransfer.files);
    };
    this.onPaste = (event) => {
      const files = event.clipboardData ? event.clipboardData.files : null;
      if (!files || !files.length || !this.inZone(event)) return;
      event.preventDefault();
      this.add(files);
    };
    document.addEventListener("dragover", this.onDragOver);
    document.addEventListener("dragleave", this.onDragLeave);
    document.addEventListener("drop", this.onDrop);
    document.addEventListener("paste", this.onPaste);
  },
  unmounted() {
    document.removeEventListener("dragover", this.onDragOver);
    document.removeEventListener("dragleave", this.onDragLeave);
    document.removeEventListener("drop", this.onDrop);
    document.removeEventListener("paste", this.onPaste);
    this.requests.forEach((xhr) => xhr.abort());
  },
  watch: {
    channelId() {
      this.reset(); // another conversation: Python has discarded the old pending uploads
    },
  },
  methods: {
    formatSize,
    zone() {
      return this.dropTarget ? document.getElementById(this.dropTarget) : this.$el;
    },
    inZone(event) {
      // The innermost zone around the event's target handles it, so a thread panel inside a channel pane
      // gets its own drops.
      const target = elementOf(event.target);
      return Boolean(target && this.zone() && target.closest("[" + ZONE_ATTRIBUTE + "]") === this.zone());
    },
    highlight(on) {
      const zone = this.zone();
      if (zone) zone.classList.toggle("chat-attach-dragging", on);
    },
    picked(event) {
      this.add(event.target.files);
      event.target.value = ""; // choosing the same file again fires change again
    },
    add(files) {
      for (const file of Array.from(files || [])) this.start(file);
    },
    start(file) {
      this.items.push({ key: nextKey++, name: file.name || "pasted-file", size: file.size, progress: 0, state: "uploading", error: "", id: null });
      const item = this.items[this.items.length - 1]; // the reactive proxy: changes to it re-render
      if (!this.channelId) return this.fail(item, "Open a conversation first.");
      if (file.size === 0) return this.fail(item, "The file is empty.");
      if (this.maxBytes && file.size > this.maxBytes) return this.fail(item, "The file is larger than the limit of " + formatSize(this.maxBytes) + ".");
      const channelId = this.channelId;
      const xhr = new XMLHttpRequest();
      this.requests.set(item.key, xhr);
      xhr.open("POST", "/files/upload/" + channelId + "?name=" + encodeURIComponent(item.name));
      xhr.setRequestHeader("X-Upload-Token", this.token || "");
      xhr.setRequestHeader("Content-Type", file.type || "application/octet-stream");
      xhr.upload.onprogress = (event) => {
        if (event.lengthComputable) item.progress = Math.round((100 * event.loaded) / event.total);
      };
      xhr.onload = () => {
        this.requests.delete(item.key);
        let body = null;
        try { body = JSON.parse(xhr.responseText); } catch (error) { body = null; }
        if (xhr.status === 201 && body && body.id) {
          Object.assign(item, { state: "done", progress: 100, id: body.id });
          this.$emit("uploaded", { channel_id: channelId, view: body });
        } else {
          this.fail(item, (body && body.message) || "The upload failed (" + xhr.status + ").");
        }
        this.reportBusy();
      };
      xhr.onerror = () => {
        this.requests.delete(item.key);
        this.fail(item, "The upload failed: the connection was lost.");
        this.reportBusy();
      };
      xhr.send(file);
      this.reportBusy();
    },
    fail(item, message) {
      Object.assign(item, { state: "error", error: message });
    },
    remove(item) {
      const xhr = this.requests.get(item.key);
      if (xhr) { xhr.abort(); this.requests.delete(item.key); }
      this.items = this.items.filter((other) => other.key !== item.key);
      if (item.id) this.$emit("removed", { id: item.id });
      this.reportBusy();
    },
    clear() {
      // After a send: the sent files leave the tray; uploads still running stay.
      this.items = this.items.filter((item) => item.state === "uploading");
    },
    reset() {
      this.requests.forEach((xhr) => xhr.abort());
      this.requests.clear();
      this.items = [];
      this.reportBusy();
    },
    reportBusy() {
      const busy = this.items.filter((item) => item.state === "uploading").length;
      if (busy !== this.lastBusy) {
        this.lastBusy = busy;
        this.$emit("busy", { count: busy });
      }
    },
  },
};
