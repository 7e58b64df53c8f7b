// Search results: ONE element that lists the hits the server sent as data. Names and channel labels are
// text; the snippet is HTML the server built by escaping the message text and adding only <mark>.
export default {
  template: `
  <div class="chat-search__results">
    <div v-if="error" class="chat-search__note chat-search__note--error" data-testid="search-error">{{ error }}</div>
    <div v-else-if="searched && !hits.length" class="chat-search__note" data-testid="search-empty">No results</div>
    <button v-for="h in hits" :key="h.id" type="button" class="chat-search__hit" data-testid="search-result"
            :data-message-id="h.id" @click="$emit('pick', { id: h.id })">
      <span class="chat-search__meta">
        <span class="chat-search__where">{{ h.where }}</span>
        <span v-if="h.root" class="chat-search__thread">in a thread</span>
        <time class="chat-search__time" :datetime="h.at" :title="h.at">{{ when(h.at) }}</time>
      </span>
      <span class="chat-search__author">{{ h.author }}</span>
      <span class="chat-search__snippet" v-html="h.snippet"></span>
    </button>
    <button v-if="more" type="button" class="chat-btn chat-search__more" data-testid="search-more"
            @click="$emit('more')">Older results</button>
  </div>`,
  props: {
    hits: { type: Array, default: () => [] }, // [{id, where, root, author, at, snippet}, ...] newest first
    searched: Boolean, // false until the first answer: no "No results" while nothing was asked
    more: Boolean,
    error: { type: String, default: "" },
  },
  methods: {
    when(iso) {
      const date = new Date(iso);
      const time = date.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
      if (date.toDateString() === new Date().toDateString()) return `Today ${time}`;
      return `${date.toLocaleDateString(undefined, { month: "short", day: "numeric", year: "numeric" })} ${time}`;
    },
  },
};
