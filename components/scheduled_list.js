// The line above the composer, "2 scheduled messages", and the list it opens: each of the person's scheduled
// messages in this conversation with its time (in the browser's time zone), and Send now, Edit, Cancel. Failed
// ones show why. The rows come from the server as data (props); the buttons emit events the server checks.
import { describeTime, fromLocalInput, toLocalInput } from "schedule_times";

export default {
  template: `
  <div v-if="rows.length" class="chat-scheduled">
    <button class="chat-scheduled__line" data-testid="scheduled-count" :data-count="waiting" :data-failed="failed"
            @click="open = !open">
      <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" class="chat-clock"><circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" stroke-width="2"/><path d="M12 7v5l3 2" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"/></svg> {{ summary }}
    </button>
    <div v-if="open" class="chat-scheduled__list" data-testid="scheduled-list">
      <div v-for="row in rows" :key="row.id" class="chat-scheduled__item" data-testid="scheduled-item"
           :data-id="row.id" :data-post-at="row.post_at" :data-state="row.state">
        <template v-if="editing === row.id">
          <textarea v-model="editBody" rows="2" data-testid="scheduled-edit-text"></textarea>
          <div class="chat-scheduled__actions">
            <input type="datetime-local" step="1" v-model="editAt" data-testid="scheduled-edit-time" aria-label="Send at" />
            <button data-testid="scheduled-save" @click="save(row)">Save</button>
            <button data-testid="scheduled-edit-cancel" @click="editing = null">Cancel</button>
          </div>
        </template>
        <template v-else>
          <div class="chat-scheduled__when">
            <span v-if="row.state === 'failed'" class="chat-scheduled__failed" data-testid="scheduled-failure">Not sent: {{ row.failure }}</span>
            <span v-else-if="row.state === 'sending'">Sending…</span>
            <span v-else>{{ when(row) }}</span>
          </div>
          <div class="chat-scheduled__body">{{ row.body }}</div>
          <div v-if="row.state !== 'sending'" class="chat-scheduled__actions">
            <button v-if="row.state === 'pending'" data-testid="scheduled-send-now" @click="$emit('send-now', { id: row.id })">Send now</button>
            <button data-testid="scheduled-edit" @click="startEdit(row)">{{ row.state === 'failed' ? 'Reschedule' : 'Edit' }}</button>
            <button data-testid="scheduled-cancel" @click="$emit('cancel', { id: row.id })">{{ row.state === 'failed' ? 'Dismiss' : 'Cancel' }}</button>
          </div>
        </template>
      </div>
    </div>
  </div>`,
  props: {
    rows: { type: Array, default: () => [] }, // [{id, body, post_at (Unix seconds), state, failure}]
  },
  data() {
    return { open: false, editing: null, editBody: "", editAt: "" };
  },
  computed: {
    waiting() {
      return this.rows.filter((row) => row.state !== "failed").length;
    },
    failed() {
      return this.rows.length - this.waiting;
    },
    summary() {
      const parts = [];
      if (this.waiting) parts.push(`${this.waiting} scheduled message${this.waiting === 1 ? "" : "s"}`);
      if (this.failed) parts.push(`${this.failed} not sent`);
      return parts.join(" · ");
    },
  },
  watch: {
    rows(list) {
      if (this.editing !== null && !list.some((row) => row.id === this.editing)) this.editing = null;
      if (!list.length) this.open = false;
    },
  },
  methods: {
    when(row) {
      return "Sends " + describeTime(new Date(row.post_at * 1000));
    },
    startEdit(row) {
      this.editing = row.id;
      this.editBody = row.body;
      const at = row.state === "failed" ? new Date(Date.now() + 60 * 60 * 1000) : new Date(row.post_at * 1000);
      this.editAt = toLocalInput(at);
    },
    save(row) {
      const at = fromLocalInput(this.editAt);
      if (at === null || !this.editBody.trim()) return;
      this.$emit("edit", { id: row.id, body: this.editBody, post_at: Math.floor(at.getTime() / 1000) });
      this.editing = null;
    },
  },
};
