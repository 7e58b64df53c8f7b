// The composer: auto-growing textarea, Enter sends, Shift+Enter breaks the line, Up in an empty composer edits
// the last own message, a draft per conversation (kept in localStorage), @ # : autocomplete, and throttled
// typing announcements (at most every 10 s while typing; "stopped" after 5 s idle or on send). Every send goes
// through the outbox (outbox.js) first, and what it still holds is sent again whenever the socket connects.
import { addToOutbox, announcePending, onConnect, outboxEntries, removeFromOutbox } from "outbox";
import { schedulePresets, toLocalInput, fromLocalInput } from "schedule_times";

const TYPING_RENEW_MS = 10000;
const TYPING_IDLE_MS = 5000;

function newClientId() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  return "c" + Date.now().toString(36) + Math.random().toString(36).slice(2, 12);
}

// The emoji table is one cached asset per browser, not a copy in every element's props.
function loadEmoji(url) {
  window.__chatEmoji = window.__chatEmoji || {};
  return (window.__chatEmoji[url] = window.__chatEmoji[url] || fetch(url).then((r) => r.json()));
}

export default {
  template: `
  <div>
    <div v-if="readOnly" class="chat-composer__readonly" data-testid="composer-readonly">{{ readOnlyText }}</div>
    <div v-else class="chat-composer">
      <div v-if="suggestions.length" class="chat-suggest" data-testid="autocomplete">
        <div v-for="(s, i) in suggestions" :key="s.insert" :class="{ active: i === active }" data-testid="autocomplete-option"
             @mousedown.prevent="accept(i)"><span>{{ s.label }}</span><small>{{ s.hint }}</small></div>
      </div>
      <textarea ref="box" v-model="text" rows="1" :placeholder="placeholder" data-testid="composer" :maxlength="maxChars"
                @keydown="onKeydown" @input="onInput" @click="updateSuggestions" @blur="suggestions = []"></textarea>
      <div v-if="error" class="chat-composer__error" data-testid="composer-error">{{ error }}</div>
      <div class="chat-composer__bar">
        <slot></slot>
        <label v-if="thread" class="chat-composer__also"><input type="checkbox" v-model="alsoToChannel" data-testid="also-send-to-channel" /> Also send to channel</label>
        <span class="spacer"></span>
        <small v-if="text.length > maxChars * 0.9" :style="{ color: text.length > maxChars ? '#b42318' : '#6b7280' }">{{ text.length }} / {{ maxChars }}</small>
        <button class="chat-composer__send" data-testid="composer-send" :disabled="!canSend" @click="send">Send</button>
        <button v-if="schedulable" class="chat-composer__schedule" data-testid="schedule-send" :disabled="!canSchedule"
                title="Schedule for later" aria-label="Schedule for later" @click="toggleSchedule"><svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" class="chat-clock"><circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" stroke-width="2"/><path d="M12 7v5l3 2" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"/></svg></button>
      </div>
      <div v-if="scheduleOpen" class="chat-schedule-menu" data-testid="schedule-menu">
        <div class="chat-schedule-menu__title">Schedule message</div>
        <button v-for="p in presets" :key="p.id" class="chat-schedule-menu__item" data-testid="schedule-preset" :data-preset="p.id"
                @click="schedule(p.at)"><span>{{ p.label }}</span><small>{{ p.hint }}</small></button>
        <div class="chat-schedule-menu__custom">
          <input type="datetime-local" step="1" v-model="customAt" data-testid="schedule-custom" aria-label="Custom date and time" />
          <button class="chat-composer__send" data-testid="schedule-custom-submit" :disabled="!customAt" @click="scheduleCustom">Schedule</button>
        </div>
      </div>
    </div>
  </div>`,
  props: {
    draftKey: String,
    outboxKey: String, // person and conversation: what this composer sends (again) from the outbox
    placeholder: String,
    maxChars: { type: Number, default: 4000 },
    members: { type: Array, default: () => [] }, // [[id, name], ...]
    channels: { type: Array, default: () => [] }, // [[id, name], ...]
    commands: { type: Array, default: () => [] }, // [[name, usage, description], ...] for the / autocomplete
    emojiUrl: String, // [[shortcode, char], ...] as JSON
    thread: Boolean,
    readOnly: Boolean,
    readOnlyText: { type: String, default: "This channel is archived. You can read it but not post." },
    hasFiles: Boolean, // attachments are pending: sending without text is allowed
    schedulable: Boolean, // offer "schedule for later" (the clock button) beside Send
  },
  data() {
    return {
      emoji: [], text: "", error: "", suggestions: [], active: 0, alsoToChannel: false, typingSentAt: 0, idleTimer: null,
      scheduleOpen: false, presets: [], customAt: "",
    };
  },
  computed: {
    canSend() {
      return (this.text.trim().length > 0 || this.hasFiles) && this.text.length <= this.maxChars;
    },
    canSchedule() {
      // Files are sent with a message now; a scheduled message is text only.
      return this.text.trim().length > 0 && !this.hasFiles && this.text.length <= this.maxChars;
    },
  },
  watch: {
    draftKey: { immediate: true, handler(key, old) {
      if (old) this.saveDraft(old);
      this.text = key ? localStorage.getItem("chat.draft." + key) || "" : "";
      this.error = "";
      this.scheduleOpen = false;
      this.stopTyping();
      this.$nextTick(this.resize);
    } },
    outboxKey() {
      if (window.socket && window.socket.connected) this.sendOutbox();
    },
  },
  mounted() {
    if (this.emojiUrl) loadEmoji(this.emojiUrl).then((list) => (this.emoji = list));
    this.$nextTick(() => this.focus());
    this.stopOnConnect = onConnect(() => this.sendOutbox());
  },
  unmounted() {
    this.saveDraft(this.draftKey);
    this.stopTyping();
    this.stopOnConnect();
  },
  methods: {
    focus() {
      if (this.$refs.box && window.matchMedia("(pointer: fine)").matches) this.$refs.box.focus();
    },
    saveDraft(key) {
      if (!key) return;
      if (this.text) localStorage.setItem("chat.draft." + key, this.text);
      else localStorage.removeItem("chat.draft." + key);
    },
    resize() {
      const box = this.$refs.box;
      if (!box) return;
      box.style.height = "auto";
      box.style.height = box.scrollHeight + "px";
    },
    onInput() {
      this.resize();
      this.error = "";
      this.saveDraft(this.draftKey);
      this.updateSuggestions();
      if (this.text.trim()) this.noteTyping();
      else this.stopTyping();
    },
    noteTyping() {
      const now = Date.now();
      if (now - this.typingSentAt > TYPING_RENEW_MS) {
        this.typingSentAt = now;
        this.$emit("typing", { typing: true });
      }
      clearTimeout(this.idleTimer);
      this.idleTimer = setTimeout(() => this.stopTyping(), TYPING_IDLE_MS);
    },
    stopTyping() {
      clearTimeout(this.idleTimer);
      if (this.typingSentAt) {
        this.typingSentAt = 0;
        this.$emit("typing", { typing: false });
      }
    },
    onKeydown(event) {
      if (this.suggestions.length) {
        if (event.key === "ArrowDown" || event.key === "ArrowUp") {
          event.preventDefault();
          const n = this.suggestions.length;
          this.active = (this.active + (event.key === "ArrowDown" ? 1 : n - 1)) % n;
          return;
        }
        if (event.key === "Enter" || event.key === "Tab") {
          event.preventDefault();
          this.accept(this.active);
          return;
        }
        if (event.key === "Escape") {
          this.suggestions = [];
          return;
        }
      }
      if (event.key === "Escape" && this.scheduleOpen) {
        this.scheduleOpen = false;
        return;
      }
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.send();
      } else if (event.key === "ArrowUp" && !this.text) {
        event.preventDefault();
        this.$emit("edit-last", {});
      }
    },
    send() {
      if (!this.canSend) return;
      const entry = {
        key: this.outboxKey, client_msg_id: newClientId(), body: this.text, also_in_channel: this.alsoToChannel,
      };
      this.text = "";
      this.suggestions = [];
      this.saveDraft(this.draftKey);
      this.stopTyping();
      if (entry.key) addToOutbox(entry); // shows the pending bubble at once, connected or not
      this.emitSend(entry);
      this.$nextTick(this.resize);
    },
    toggleSchedule() {
      if (!this.canSchedule) return;
      this.scheduleOpen = !this.scheduleOpen;
      if (this.scheduleOpen) {
        const now = new Date();
        this.presets = schedulePresets(now);
        this.customAt = toLocalInput(new Date(now.getTime() + 60 * 60 * 1000));
      }
    },
    scheduleCustom() {
      const at = fromLocalInput(this.customAt);
      if (at === null) return;
      this.schedule(at.getTime());
    },
    schedule(atMs) {
      // The time is the browser's own (its time zone), sent as Unix seconds; the server checks it is ahead.
      if (!this.canSchedule) return;
      const body = this.text;
      this.scheduleOpen = false;
      this.text = "";
      this.suggestions = [];
      this.saveDraft(this.draftKey);
      this.stopTyping();
      this.$emit("schedule", { body, post_at: Math.floor(atMs / 1000), also_in_channel: this.alsoToChannel });
      this.$nextTick(this.resize);
    },
    sendOutbox() {
      // Whatever the server has not confirmed goes again, oldest first; the server keeps each message once.
      for (const entry of outboxEntries(this.outboxKey)) {
        announcePending(entry);
        this.emitSend(entry);
      }
    },
    emitSend(entry) {
      this.$emit("send", {
        body: entry.body, client_msg_id: entry.client_msg_id, also_in_channel: entry.also_in_channel, outbox_key: entry.key,
      });
    },
    restore(body, error, clientMsgId) {
      // The server refused the message: it leaves the outbox, and the text comes back (unless the user already
      // typed something new) with the reason.
      if (clientMsgId) removeFromOutbox(clientMsgId);
      if (!this.text) this.text = body;
      this.error = error;
      this.saveDraft(this.draftKey);
      this.$nextTick(() => {
        this.resize();
        this.focus();
      });
    },
    insertText(value) {
      this.text += value;
      this.$nextTick(() => {
        this.resize();
        this.focus();
      });
    },
    currentToken() {
      const box = this.$refs.box;
      const upto = this.text.slice(0, box ? box.selectionStart : this.text.length);
      const match = upto.match(/(^|\s)([@#:])([\w.\-+]*)$/);
      return match ? { trigger: match[2], query: match[3].toLowerCase(), start: upto.length - match[3].length - 1 } : null;
    },
    updateSuggestions() {
      const token = this.currentToken();
      this.active = 0;
      const box = this.$refs.box;
      const command = this.text.slice(0, box ? box.selectionStart : this.text.length).match(/^\/(\w*)$/);
      if (command) {
        const q = command[1].toLowerCase();
        this.suggestions = this.commands.filter(([name]) => name.startsWith(q)).slice(0, 10)
          .map(([name, usage, description]) => ({ label: usage, hint: description, insert: "/" + name + " " }));
        this.suggestionStart = 0;
        return;
      }
      if (!token) return (this.suggestions = []);
      const q = token.query;
      if (token.trigger === "@") {
        const special = ["channel", "here", "everyone"].filter((s) => s.startsWith(q)).map((s) => ({ label: "@" + s, hint: "notify everyone", insert: "@" + s + " " }));
        const people = this.members.filter(([, name]) => name.toLowerCase().split(/\s+/).some((p) => p.startsWith(q)) || name.toLowerCase().startsWith(q))
          .map(([, name]) => ({ label: "@" + name, hint: "", insert: "@" + name + " " }));
        this.suggestions = people.concat(special).slice(0, 8);
      } else if (token.trigger === "#") {
        this.suggestions = this.channels.filter(([, name]) => name.startsWith(q)).slice(0, 8).map(([, name]) => ({ label: "#" + name, hint: "", insert: "#" + name + " " }));
      } else {
        if (q.length < 2) return (this.suggestions = []);
        this.suggestions = this.emoji.filter(([code]) => code.includes(q)).slice(0, 8).map(([code, char]) => ({ label: char + "  :" + code + ":", hint: "", insert: ":" + code + ": " }));
      }
      this.suggestionStart = token.start;
    },
    accept(index) {
      const s = this.suggestions[index];
      if (!s) return;
      const box = this.$refs.box;
      const end = box ? box.selectionStart : this.text.length;
      this.text = this.text.slice(0, this.suggestionStart) + s.insert + this.text.slice(end);
      this.suggestions = [];
      this.$nextTick(() => {
        const pos = this.suggestionStart + s.insert.length;
        box.setSelectionRange(pos, pos);
        box.focus();
        this.resize();
      });
    },
  },
};
