// The message list: ONE element per tab that holds the rendered messages in the browser and takes compact
// JSON deltas from the server (append, update, remove, prepend an older page, ...). Message HTML is rendered
// and sanitized on the server when it is written; here it is only placed. Own messages not yet confirmed show
// as pending bubbles from the outbox (outbox.js), until the confirmed copy with the same client_msg_id arrives.
// This file keeps the deltas, the pending bubbles, scrolling and read reporting; the rows and what a row does
// are message_row.js (a message's files: message_files.js), the picker emoji_picker.js, the helpers chat_format.js.
import { pendingHtml } from "chat_format";
import { EmojiPicker, loadEmoji, pickerPosition } from "emoji_picker";
import { buildRows, messageRows, ROWS_TEMPLATE } from "message_row";
import { editsFor, onConnect, onPending, outboxEntries, removeEdit, removeFromOutbox } from "outbox";

const MAX_IN_DOM = 300; // keep the DOM small; older/newer pages come back from the server on scroll
const PAGE_TRIGGER_PX = 300;

export default {
  components: { EmojiPicker },
  mixins: [messageRows],
  template: `
  <div class="chat-list" :class="'chat-list--' + mode">
    <div ref="scroller" class="chat-list__scroller" data-testid="message-list" :data-mode="mode" @scroll.passive="onScroll">
      <div v-if="loadingOlder" class="chat-list__loading">Loading older messages…</div>
      <div v-else-if="!hasMoreBefore && mode === 'channel'" class="chat-list__start">{{ startText }}</div>
      ${ROWS_TEMPLATE}
      <div v-for="e in ephemerals" :key="'e' + e.id" class="chat-ephemeral" data-testid="ephemeral-message">
        <div class="chat-ephemeral__head">
          <span class="chat-ephemeral__author">{{ e.author_name }}</span>
          <span class="chat-ephemeral__note">Only visible to you</span>
          <button class="chat-ephemeral__dismiss" data-testid="dismiss-ephemeral" title="Dismiss" @click="dismissEphemeral(e.id)">Dismiss</button>
        </div>
        <div class="chat-ephemeral__body chat-msg__text" v-html="e.html"></div>
      </div>
      <div v-if="loadingNewer" class="chat-list__loading">Loading newer messages…</div>
    </div>
    <button v-if="unseenBelow > 0 || hasMoreAfter" class="chat-pill" data-testid="new-messages-pill" @click="jumpToBottom">
      {{ unseenBelow > 0 ? unseenBelow + ' new message' + (unseenBelow === 1 ? '' : 's') : 'Jump to newest' }} ↓
    </button>
    <button v-if="dividerAbove" class="chat-pill chat-pill--top" data-testid="jump-to-unread" @click="jumpToDivider">Jump to first unread ↑</button>
    <emoji-picker v-if="picker" :key="picker.opened" :emoji="emoji" :emoji-map="emojiMap" :top="picker.top" :left="picker.left"
                  @pick="pick" @close="picker = null" />
  </div>`,
  props: {
    me: Number,
    mode: { type: String, default: "channel" }, // channel | thread
    people: { type: Array, default: () => [] }, // [[user id, display name], ...]
    avatars: { type: Array, default: () => [] }, // [[user id, picture URL], ...] for those who uploaded one
    emojiUrl: String, // [[shortcode, char], ...] as JSON
    canModerate: Boolean,
    readOnly: Boolean,
    linkBase: String, // e.g. /w/acme/c/12
    outboxKey: String, // person and conversation: which outbox entries show here as pending
    startText: { type: String, default: "This is the very beginning of the conversation." },
  },
  data() {
    return {
      messages: [],
      ephemerals: [], // for this person alone, never stored: gone on reload or when the conversation changes
      hasMoreBefore: false,
      hasMoreAfter: false,
      lastReadId: 0,
      loadingOlder: false,
      loadingNewer: false,
      atBottom: true,
      unseenBelow: 0,
      highlighted: null,
      picker: null, // {id, top, left, opened}: the open emoji picker, for which message and where
      pickerOpened: 0,
      emoji: [],
      receipts: {}, // user id -> read position, for "seen by"
      pinnedIds: [], // the conversation's pinned messages, for the row marker and the pin button
      savedIds: [], // the messages this person saved (in this conversation)
      dividerAbove: false,
      reportedReadId: 0,
    };
  },
  computed: {
    peopleMap() {
      return Object.fromEntries(this.people);
    },
    avatarMap() {
      return Object.fromEntries(this.avatars);
    },
    emojiMap() {
      return Object.fromEntries(this.emoji);
    },
    seenBy() {
      // Each reader shows under the newest loaded message they have read up to (never the viewer).
      const confirmed = this.messages.filter((m) => m.id);
      const ids = confirmed.map((m) => m.id);
      const seen = {};
      if (!ids.length) return seen;
      for (const [uid, position] of Object.entries(this.receipts)) {
        if (Number(uid) === this.me || position < ids[0]) continue;
        let lo = 0;
        let hi = ids.length - 1;
        while (lo < hi) {
          const mid = (lo + hi + 1) >> 1;
          if (ids[mid] <= position) lo = mid;
          else hi = mid - 1;
        }
        if (confirmed[lo].author_id === Number(uid)) continue; // the author has seen their own message
        (seen[ids[lo]] = seen[ids[lo]] || []).push(Number(uid));
      }
      return seen;
    },
    firstUnreadId() {
      if (this.mode !== "channel") return null;
      const m = this.messages.find((m) => m.id && m.id > this.lastReadId && m.author_id !== this.me);
      return m ? m.id : null;
    },
    rows() {
      return buildRows(this.messages, this.firstUnreadId);
    },
  },
  mounted() {
    if (this.emojiUrl) loadEmoji(this.emojiUrl).then((list) => (this.emoji = list));
    this.closePicker = () => (this.picker = null);
    document.addEventListener("click", this.closePicker);
    this.onFocus = () => this.reportRead();
    window.addEventListener("focus", this.onFocus);
    document.addEventListener("visibilitychange", this.onFocus);
    this.stopPending = onPending((entry) => entry.key === this.outboxKey && this.addPending(entry));
    this.stopConnect = onConnect(() => this.resendEdits());
  },
  unmounted() {
    this.stopPending();
    this.stopConnect();
    document.removeEventListener("click", this.closePicker);
    window.removeEventListener("focus", this.onFocus);
    document.removeEventListener("visibilitychange", this.onFocus);
  },
  methods: {
    // ---- deltas from the server ------------------------------------------------------------------
    applyDeltas(deltas) {
      for (const d of deltas) this.applyOne(d);
    },
    applyOne(d) {
      switch (d.op) {
        case "reset":
          return this.reset(d);
        case "append":
          return this.append(d.message);
        case "update":
          return this.update(d.message);
        case "remove":
          return this.remove(d.id);
        case "prepend":
          return this.prepend(d.messages, d.has_more);
        case "extend":
          return this.extend(d.messages, d.has_more);
        case "reaction":
          return this.patch(d.id, (m) => {
            const others = (m.reactions || []).filter((r) => r.emoji !== d.reaction.emoji);
            const index = (m.reactions || []).findIndex((r) => r.emoji === d.reaction.emoji);
            if (d.reaction.count > 0) others.splice(index < 0 ? others.length : index, 0, d.reaction);
            m.reactions = others;
          });
        case "thread":
          return this.patch(d.id, (m) => {
            m.reply_count = d.reply_count;
            m.last_reply_at = d.last_reply_at;
            m.reply_user_ids = d.reply_user_ids;
          });
        case "failed":
          return this.markFailed(d.client_msg_id, d.error);
        case "edit-done":
          removeEdit(d.id);
          return this.patch(d.id, (m) => (m.pendingEdit = null));
        case "drop-pending":
          removeFromOutbox(d.client_msg_id);
          this.messages = this.messages.filter((m) => !(m.pending && m.client_msg_id === d.client_msg_id));
          return;
        case "read":
          // Moving back ("mark unread") moves the divider; reading forward keeps it where it was while the
          // conversation stays open, as in Slack, so the reader still sees where the new messages began.
          if (d.last_read_id < this.lastReadId) this.lastReadId = this.reportedReadId = d.last_read_id;
          else this.reportedReadId = Math.max(this.reportedReadId, d.last_read_id);
          return;
        case "receipts":
          this.receipts = d.receipts;
          return;
        case "receipt":
          this.receipts = { ...this.receipts, [d.user_id]: d.position };
          return;
        case "marks":
          if (d.pinned) this.pinnedIds = d.pinned;
          if (d.saved) this.savedIds = d.saved;
          return;
        case "highlight":
          return this.highlight(d.id);
        case "edit":
          return this.startEdit(d.id);
        case "ephemeral":
          this.ephemerals.push(d.message);
          if (this.atBottom) this.$nextTick(() => this.scrollToBottom());
          return;
      }
    },
    reset(d) {
      this.messages = d.messages.map((m) => ({ ...m, key: "m" + m.id }));
      this.ephemerals = [];
      this.confirmSent(this.messages);
      this.hasMoreBefore = d.has_more_before;
      this.hasMoreAfter = !!d.has_more_after;
      this.lastReadId = d.last_read_id || 0;
      this.reportedReadId = this.lastReadId;
      this.unseenBelow = 0;
      this.editing = null;
      this.confirming = null;
      this.$nextTick(() => {
        this.showOutbox(); // on the next tick: a new conversation's outboxKey prop has arrived by then
        if (d.highlight_id) this.highlight(d.highlight_id);
        else if (d.scroll_to_unread && this.firstUnreadId) this.jumpToDivider();
        else this.scrollToBottom();
        this.updateDividerPill();
      });
    },
    append(message) {
      const m = { ...message, key: "m" + message.id };
      this.confirmSent([m]);
      // Our own optimistic copy is replaced by the confirmed one, in place; a duplicate delivery is ignored.
      const pending = m.client_msg_id ? this.messages.findIndex((x) => x.pending && x.client_msg_id === m.client_msg_id && x.author_id === m.author_id) : -1;
      if (pending >= 0) {
        m.key = this.messages[pending].key;
        this.messages.splice(pending, 1, m);
        return;
      }
      if (this.messages.some((x) => x.id === m.id)) return;
      if (this.hasMoreAfter) return; // the newest messages are not loaded; the pill offers to jump there
      const stick = this.atBottom || m.author_id === this.me;
      const at = this.insertionIndex(m.id);
      this.messages.splice(at, 0, m);
      if (stick) {
        this.trimTop();
        this.$nextTick(() => this.scrollToBottom());
      } else if (m.author_id !== this.me) {
        this.unseenBelow += 1;
      }
    },
    insertionIndex(id) {
      let i = this.messages.length;
      while (i > 0 && (this.messages[i - 1].pending || (this.messages[i - 1].id || 0) > id)) i--;
      // pending messages stay below confirmed ones
      while (i < this.messages.length && !this.messages[i].pending && (this.messages[i].id || 0) < id) i++;
      return i;
    },
    update(message) {
      const waiting = editsFor(this.outboxKey).find((e) => e.id === message.id);
      if (waiting && waiting.body === message.body) removeEdit(message.id); // the server has applied this edit
      this.patch(message.id, (m) => Object.assign(m, message, { pendingEdit: waiting && waiting.body !== message.body ? waiting.body : null }));
    },
    remove(id) {
      const i = this.messages.findIndex((m) => m.id === id);
      if (i < 0) return;
      const m = this.messages[i];
      // A deleted thread root stays as a placeholder so its replies keep their context.
      if (m.reply_count > 0 || (this.mode === "thread" && i === 0)) Object.assign(m, { deleted: true, html: "", body: "", reactions: [], attachments: [] });
      else this.messages.splice(i, 1);
    },
    patch(id, fn) {
      const m = this.messages.find((m) => m.id === id);
      if (m) fn(m);
    },
    prepend(messages, hasMore) {
      const scroller = this.$refs.scroller;
      const before = scroller.scrollHeight - scroller.scrollTop;
      const known = new Set(this.messages.map((m) => m.id));
      const fresh = messages.filter((m) => !known.has(m.id)).map((m) => ({ ...m, key: "m" + m.id }));
      this.messages = fresh.concat(this.messages);
      this.hasMoreBefore = hasMore;
      if (this.messages.length > MAX_IN_DOM) {
        this.messages.splice(MAX_IN_DOM);
        this.hasMoreAfter = true;
      }
      this.$nextTick(() => {
        scroller.scrollTop = scroller.scrollHeight - before; // keep what the user was reading in place
        this.loadingOlder = false;
      });
    },
    extend(messages, hasMore) {
      const known = new Set(this.messages.map((m) => m.id));
      const fresh = messages.filter((m) => !known.has(m.id)).map((m) => ({ ...m, key: "m" + m.id }));
      this.confirmSent(fresh);
      const pending = this.messages.filter((m) => m.pending && !fresh.some((f) => f.client_msg_id === m.client_msg_id));
      // A catch-up brings messages older than ones already shown (this tab's own, sent while the bus was down):
      // they go in id order, pending ones stay below.
      const confirmed = this.messages.filter((m) => !m.pending).concat(fresh);
      if (fresh.length && confirmed.length > fresh.length) confirmed.sort((a, b) => (a.id || Infinity) - (b.id || Infinity));
      this.messages = confirmed.concat(pending);
      this.hasMoreAfter = hasMore;
      this.trimTop();
      this.loadingNewer = false;
    },
    trimTop() {
      if (this.messages.length <= MAX_IN_DOM) return;
      const scroller = this.$refs.scroller;
      const before = scroller.scrollHeight - scroller.scrollTop;
      this.messages.splice(0, this.messages.length - MAX_IN_DOM);
      this.hasMoreBefore = true;
      if (!this.atBottom) this.$nextTick(() => (scroller.scrollTop = scroller.scrollHeight - before));
    },
    confirmSent(messages) {
      // The server stored these: own ones leave the outbox (every tab of this browser shares it).
      for (const m of messages) if (m.client_msg_id && m.author_id === this.me) removeFromOutbox(m.client_msg_id);
    },
    showOutbox() {
      // After a reset the list holds only what the server sent: what the outbox still holds shows again.
      for (const entry of outboxEntries(this.outboxKey)) this.addPending(entry);
      for (const edit of editsFor(this.outboxKey)) this.patch(edit.id, (m) => (m.pendingEdit = edit.body));
    },
    resendEdits() {
      for (const edit of editsFor(this.outboxKey)) this.$emit("edit", { id: edit.id, body: edit.body });
    },
    addPending(d) {
      // id 0, not null: `editing` and `confirming` are null when nothing is being edited or confirmed.
      if (this.messages.some((x) => x.id && x.client_msg_id === d.client_msg_id && x.author_id === this.me)) return;
      const m = {
        key: "p" + d.client_msg_id, id: 0, pending: true, client_msg_id: d.client_msg_id, author_id: this.me,
        author_name: this.personName(this.me), html: pendingHtml(d.body), body: d.body,
        created_at: new Date().toISOString(), reactions: [], attachments: [], reply_count: 0,
      };
      const existing = this.messages.findIndex((x) => x.client_msg_id === d.client_msg_id && (x.pending || x.failed));
      if (existing >= 0) this.messages.splice(existing, 1, m);
      else this.messages.push(m);
      this.$nextTick(() => this.scrollToBottom());
    },
    retry(m) {
      Object.assign(m, { pending: true, failed: false, error: "" });
      this.$emit("retry", { client_msg_id: m.client_msg_id, body: m.body, outbox_key: this.outboxKey });
    },
    markFailed(clientMsgId, error) {
      const m = this.messages.find((x) => x.client_msg_id === clientMsgId && x.pending);
      if (m) Object.assign(m, { pending: false, failed: true, error });
    },
    dismissEphemeral(id) {
      this.ephemerals = this.ephemerals.filter((e) => e.id !== id);
    },
    discard(m) {
      removeFromOutbox(m.client_msg_id);
      this.messages = this.messages.filter((x) => x !== m);
    },
    // ---- scrolling and read state ----------------------------------------------------------------
    onScroll() {
      const s = this.$refs.scroller;
      this.atBottom = s.scrollHeight - s.scrollTop - s.clientHeight < 40;
      if (this.atBottom && !this.hasMoreAfter) {
        this.unseenBelow = 0;
        this.reportRead();
      }
      if (s.scrollTop < PAGE_TRIGGER_PX && this.hasMoreBefore && !this.loadingOlder && this.messages.length) {
        const first = this.messages.find((m) => m.id);
        if (first) {
          this.loadingOlder = true;
          this.$emit("load-older", { before_id: first.id });
        }
      }
      if (s.scrollHeight - s.scrollTop - s.clientHeight < PAGE_TRIGGER_PX && this.hasMoreAfter && !this.loadingNewer) {
        const last = [...this.messages].reverse().find((m) => m.id);
        if (last) {
          this.loadingNewer = true;
          this.$emit("load-newer", { after_id: last.id });
        }
      }
      this.updateDividerPill();
    },
    updateDividerPill() {
      const divider = this.$el.querySelector(".chat-divider");
      const s = this.$refs.scroller;
      this.dividerAbove = !!divider && divider.offsetTop < s.scrollTop;
    },
    reportRead() {
      // Read means: this list is visible, in a focused tab, scrolled to the bottom of the newest messages.
      if (this.mode !== "channel" || !this.atBottom || this.hasMoreAfter) return;
      if (document.visibilityState !== "visible" || !document.hasFocus()) return;
      const last = [...this.messages].reverse().find((m) => m.id);
      if (!last || last.id <= this.reportedReadId) return;
      this.reportedReadId = last.id;
      this.$emit("read", { last_id: last.id });
    },
    scrollToBottom() {
      const s = this.$refs.scroller;
      if (!s) return;
      s.scrollTop = s.scrollHeight;
      this.atBottom = true;
      this.unseenBelow = 0;
      this.reportRead();
    },
    jumpToBottom() {
      if (this.hasMoreAfter) this.$emit("jump-latest", {});
      else this.scrollToBottom();
    },
    jumpToDivider() {
      const divider = this.$el.querySelector(".chat-divider");
      if (divider) divider.scrollIntoView({ block: "center" });
      this.onScroll();
    },
    highlight(id) {
      this.highlighted = id;
      this.$nextTick(() => {
        const el = this.$el.querySelector(`[data-message-id="${Number(id)}"]`);
        if (el) el.scrollIntoView({ block: "center" });
        this.onScroll();
      });
      setTimeout(() => {
        if (this.highlighted === id) this.highlighted = null;
      }, 4000);
    },
    // ---- the emoji picker --------------------------------------------------------------------------
    openPicker(m, event) {
      const position = pickerPosition(this.$el.getBoundingClientRect(), event.currentTarget.getBoundingClientRect());
      this.pickerOpened += 1; // a new picker (empty search, focused) also when one is open already
      this.picker = { id: m.id, ...position, opened: this.pickerOpened };
    },
    pick({ code }) {
      if (!this.picker) return;
      this.$emit("react", { id: this.picker.id, emoji: code });
      this.picker = null;
    },
  },
};
