// The emoji picker of the message list (a NiceGUI dependency, imported as "emoji_picker"): a search box, the
// person's recent emoji (localStorage, shared by every list of the browser) and the whole table. It is made
// when opened and unmade when closed; it says "pick" ({code}) or "close" and never talks to the server itself.
// The emoji table is fetched once per browser (loadEmoji), not sent in every element's props.

const RECENT_KEY = "chat.recentEmoji";
const RECENT_MAX = 16;
const RESULTS_MAX = 160;
// Room kept for the picker (.chat-picker in chat.css is 308 x at most 320 px) so that it opens inside the list.
const PICKER_WIDTH = 312;
const PICKER_HEIGHT = 330;

// [[shortcode, char], ...], one request per URL per browser.
export function loadEmoji(url) {
  window.__chatEmoji = window.__chatEmoji || {};
  return (window.__chatEmoji[url] = window.__chatEmoji[url] || fetch(url).then((r) => r.json()));
}

// Where the picker opens: below the clicked button, inside the list's box (both rects from getBoundingClientRect).
export function pickerPosition(listRect, buttonRect) {
  const top = Math.min(Math.max(buttonRect.bottom - listRect.top + 4, 0), Math.max(listRect.height - PICKER_HEIGHT, 0));
  const left = Math.min(Math.max(buttonRect.left - listRect.left - 150, 4), Math.max(listRect.width - PICKER_WIDTH, 4));
  return { top, left };
}

function readRecent() {
  return JSON.parse(localStorage.getItem(RECENT_KEY) || "[]");
}

export const EmojiPicker = {
  template: `
    <div class="chat-picker" data-testid="emoji-picker" :style="{ top: top + 'px', left: left + 'px' }" @click.stop>
      <input ref="search" v-model="query" placeholder="Search emoji" data-testid="emoji-search" @keydown.esc="$emit('close')"
             @keydown.enter.prevent="pickFirst" />
      <div v-if="!query && recent.length" class="chat-picker__label">Recent</div>
      <div v-if="!query && recent.length" class="chat-picker__grid">
        <button v-for="code in recent" :key="'r' + code" :title="':' + code + ':'" data-testid="emoji-option" :data-emoji="code" @click="pick(code)">{{ emojiChar(code) }}</button>
      </div>
      <div class="chat-picker__label">{{ query ? 'Results' : 'All' }}</div>
      <div class="chat-picker__grid">
        <button v-for="e in results" :key="e[0]" :title="':' + e[0] + ':'" data-testid="emoji-option" :data-emoji="e[0]" @click="pick(e[0])">{{ e[1] }}</button>
        <div v-if="!results.length" class="chat-picker__empty">No emoji found</div>
      </div>
    </div>`,
  props: {
    emoji: { type: Array, default: () => [] }, // [[shortcode, char], ...]
    emojiMap: { type: Object, default: () => ({}) }, // shortcode -> char
    top: Number,
    left: Number,
  },
  emits: ["pick", "close"],
  data() {
    return { query: "", recent: readRecent() };
  },
  computed: {
    results() {
      const q = this.query.trim().toLowerCase().replace(/:/g, "");
      const list = q ? this.emoji.filter((e) => e[0].includes(q)) : this.emoji;
      return list.slice(0, RESULTS_MAX);
    },
  },
  mounted() {
    this.$nextTick(() => this.$refs.search && this.$refs.search.focus());
  },
  methods: {
    emojiChar(code) {
      return this.emojiMap[code] || `:${code}:`;
    },
    pick(code) {
      this.recent = [code, ...this.recent.filter((c) => c !== code)].slice(0, RECENT_MAX);
      localStorage.setItem(RECENT_KEY, JSON.stringify(this.recent));
      this.$emit("pick", { code });
    },
    pickFirst() {
      if (this.results.length) this.pick(this.results[0][0]);
    },
  },
};
