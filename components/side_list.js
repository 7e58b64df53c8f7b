// One sidebar section (channels, or direct messages): its rows are data, not NiceGUI elements. A row is
// [id, name, label, kind, unread, mentions, muted, partnerStatus, memberCount]; the server replaces all rows when
// the set of conversations changes and sends `counts` / `status` deltas for one row as messages arrive.
export default {
  template: `
  <div>
    <div v-for="r in list" :key="r[0]" class="chat-side-link" data-testid="channel-link"
         :class="{ 'chat-side-link--active': r[0] === active, 'chat-side-link--unread': r[4] > 0, 'chat-side-link--muted': r[6] }"
         :data-channel-id="r[0]" :data-channel="r[1] || r[0]" :data-unread="r[4]" :data-muted="r[6] ? 'true' : 'false'"
         :title="r[2]" @click="open(r[0])">
      <span v-if="r[3] === 'direct'" class="chat-presence-dot" data-testid="presence-dot" :data-status="r[7]"></span>
      <span v-else-if="r[3] === 'group'" class="opacity-70 w-4 text-center text-xs">{{ r[8] }}</span>
      <span v-else class="opacity-70 w-4 text-center">{{ r[3] === 'private' ? '🔒' : '#' }}</span>
      <span class="truncate">{{ r[2] }}</span>
      <span v-show="r[4] > 0" class="chat-side-badge chat-side-badge--unread" data-testid="unread-count">{{ badge(r[4]) }}</span>
      <span v-show="r[5] > 0" class="chat-side-badge" data-testid="mention-count">{{ badge(r[5]) }}</span>
    </div>
  </div>`,
  props: { rows: Array, active: Number, cap: Number, drawerId: Number },
  data() {
    return { list: this.copy(this.rows) };
  },
  watch: {
    rows(value) { this.list = this.copy(value); },
  },
  methods: {
    copy(rows) { return (rows || []).map((r) => r.slice()); },
    badge(n) { return n >= this.cap ? this.cap - 1 + "+" : String(n); },
    row(id) { return this.list.find((r) => r[0] === id); },
    counts(id, unread, mentions) {
      const r = this.row(id);
      if (r) { r[4] = unread; r[5] = mentions; }
    },
    status(id, value) {
      const r = this.row(id);
      if (r) r[7] = value;
    },
    open(id) {
      this.$emit("open", { id });
      // On a phone the drawer overlays the conversation: close it as the choice is made.
      if (this.drawerId && window.innerWidth < 800) getElement(this.drawerId).hide();
    },
  },
};
