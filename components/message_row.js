// The rows of the message list (a NiceGUI dependency, imported as "message_row"): how messages become rows
// (date separators, the "New messages" divider, author headers grouped within five minutes), the row template
// and what a row does on its own (tap, edit box, delete confirmation, copy link, the text it shows).
// message_list.js splices ROWS_TEMPLATE into its template and takes `messageRows` as a mixin; the mixin reads
// the list's props and state (me, mode, readOnly, canModerate, people, emoji, highlighted, seenBy, messages,
// pinnedIds, savedIds) and calls its openPicker(); the row's buttons emit the list's events (react, open-thread,
// edit, delete, open-profile from the avatar or the author's name, ...); pictures come from the list's avatarMap.
import { clockTime, dayKey, dayLabel, hue, initials, pendingHtml, relativeTime } from "chat_format";
import { MessageFiles } from "message_files";
import { addEdit } from "outbox";

const GROUP_WINDOW_MS = 5 * 60 * 1000;

// One row per message, with a date row where the day changes and the divider above the first unread one.
export function buildRows(messages, firstUnreadId) {
  const rows = [];
  let prev = null;
  let prevDay = null;
  for (const m of messages) {
    const date = new Date(m.created_at);
    const day = dayKey(date);
    if (day !== prevDay) {
      rows.push({ kind: "date", key: "d" + day + (m.key || m.id), label: dayLabel(date) });
      prev = null;
      prevDay = day;
    }
    if (m.id && m.id === firstUnreadId) {
      rows.push({ kind: "divider", key: "divider" });
      prev = null;
    }
    const header = !prev || prev.author_id !== m.author_id || date - new Date(prev.created_at) > GROUP_WINDOW_MS || prev.deleted;
    rows.push({ kind: "msg", key: m.key, m, header });
    prev = m;
  }
  return rows;
}

// `rows` (from buildRows) as the list shows them.
export const ROWS_TEMPLATE = `
  <template v-for="row in rows" :key="row.key">
    <div v-if="row.kind === 'date'" class="chat-date" data-testid="date-separator"><span>{{ row.label }}</span></div>
    <div v-else-if="row.kind === 'divider'" class="chat-divider" data-testid="new-messages-divider" ref="divider"><span>New messages</span></div>
    <div v-else class="chat-msg" :class="{ 'chat-msg--grouped': !row.header, 'chat-msg--highlight': row.m.id === highlighted,
           'chat-msg--pending': row.m.pending, 'chat-msg--failed': row.m.failed, 'chat-msg--touched': touched === row.m.key }"
         data-testid="message" :data-message-id="row.m.id || ''" :data-client-id="row.m.client_msg_id || ''"
         :data-pending="row.m.pending ? 'true' : 'false'" @click="onTap(row.m, $event)">
      <div class="chat-msg__gutter">
        <button v-if="row.header" class="chat-avatar" data-testid="avatar" :data-user="row.m.author_id" title="View profile"
                :style="{ background: 'hsl(' + hue(row.m.author_id) + ',55%,45%)' }" @click.stop="openProfile(row.m)">
          <img v-if="avatarMap[row.m.author_id]" :src="avatarMap[row.m.author_id]" alt="" class="chat-avatar__img" />
          <template v-else>{{ initials(row.m.author_name) }}</template>
        </button>
        <span v-else class="chat-msg__time-hover">{{ time(row.m) }}</span>
      </div>
      <div class="chat-msg__main">
        <div v-if="row.header" class="chat-msg__head">
          <button class="chat-msg__author" data-testid="message-author" :data-user="row.m.author_id" @click.stop="openProfile(row.m)">{{ row.m.author_name }}</button>
          <a class="chat-msg__time" :href="permalink(row.m)" @click.prevent="$emit('permalink', { id: row.m.id })">{{ time(row.m) }}</a>
        </div>
        <div v-if="editing === row.m.id" class="chat-edit">
          <textarea ref="editBox" v-model="editText" data-testid="edit-input" rows="2"
                    @keydown.enter.exact.prevent="saveEdit(row.m)" @keydown.esc.prevent="editing = null"></textarea>
          <div class="chat-edit__actions">
            <button class="chat-btn" @click.stop="editing = null">Cancel</button>
            <button class="chat-btn chat-btn--primary" data-testid="edit-save" @click.stop="saveEdit(row.m)">Save</button>
          </div>
        </div>
        <div v-else class="chat-msg__body">
          <div v-if="row.m.deleted" class="chat-msg__deleted" data-testid="message-text">This message was deleted.</div>
          <div v-else-if="row.m.pendingEdit" class="chat-msg__text chat-msg__text--saving" data-testid="message-text" v-html="pendingHtml(row.m.pendingEdit)"></div>
          <div v-else class="chat-msg__text" data-testid="message-text" v-html="row.m.html"></div>
          <span v-if="row.m.edited_at && !row.m.deleted" class="chat-msg__edited" data-testid="message-edited">(edited)</span>
          <span v-if="row.m.also_in_channel && mode === 'channel'" class="chat-msg__thread-note">replied to a thread</span>
        </div>
        <div v-if="!row.m.deleted && (pinnedIds.includes(row.m.id) || savedIds.includes(row.m.id))" class="chat-msg__marks">
          <span v-if="pinnedIds.includes(row.m.id)" data-testid="pinned-marker">📌 Pinned</span>
          <span v-if="savedIds.includes(row.m.id)" data-testid="saved-marker">🔖 Saved</span>
        </div>
        <message-files v-if="row.m.attachments && row.m.attachments.length" :attachments="row.m.attachments" />
        <div v-if="row.m.reactions && row.m.reactions.length" class="chat-reactions">
          <button v-for="r in row.m.reactions" :key="r.emoji" class="chat-reaction" :class="{ 'chat-reaction--mine': r.user_ids.includes(me) }"
                  data-testid="reaction" :data-emoji="r.emoji" :data-count="r.count" :title="reactorNames(r)"
                  @click.stop="$emit('react', { id: row.m.id, emoji: r.emoji })">
            <span>{{ emojiChar(r.emoji) }}</span><span class="chat-reaction__count">{{ r.count }}</span>
          </button>
          <button class="chat-reaction chat-reaction--add" title="Add reaction" @click.stop="openPicker(row.m, $event)">+</button>
        </div>
        <button v-if="mode === 'channel' && row.m.reply_count > 0" class="chat-thread-summary" data-testid="reply-count"
                :data-count="row.m.reply_count" @click.stop="$emit('open-thread', { id: row.m.id })">
          <span v-for="uid in (row.m.reply_user_ids || []).slice(0, 4)" :key="uid" class="chat-avatar chat-avatar--tiny"
                :style="{ background: 'hsl(' + hue(uid) + ',55%,45%)' }">{{ initials(personName(uid)) }}</span>
          <b>{{ row.m.reply_count }} {{ row.m.reply_count === 1 ? 'reply' : 'replies' }}</b>
          <small v-if="row.m.last_reply_at">Last reply {{ relative(row.m.last_reply_at) }}</small>
        </button>
        <div v-if="seenBy[row.m.id]" class="chat-seen" data-testid="seen-by" :data-users="seenBy[row.m.id].join(',')">
          Seen by {{ seenText(seenBy[row.m.id]) }}</div>
        <div v-if="row.m.pending" class="chat-msg__sending" data-testid="message-sending">Sending…</div>
        <div v-else-if="row.m.pendingEdit" class="chat-msg__sending" data-testid="message-saving">Saving your edit…</div>
        <div v-if="row.m.failed" class="chat-msg__failed">
          {{ row.m.error || 'Not sent.' }}
          <button class="chat-btn" data-testid="message-retry" @click.stop="retry(row.m)">Retry</button>
          <button class="chat-btn" @click.stop="discard(row.m)">Discard</button>
        </div>
      </div>
      <div v-if="row.m.id && !row.m.deleted && !row.m.pending && editing !== row.m.id && confirming !== row.m.id"
           class="chat-actions" data-testid="message-actions">
        <button title="Add reaction" data-testid="action-react" @click.stop="openPicker(row.m, $event)">😀</button>
        <button v-if="mode === 'channel' && !readOnly" title="Reply in thread" data-testid="action-thread" @click.stop="$emit('open-thread', { id: row.m.id })">💬</button>
        <button v-if="row.m.author_id === me && !readOnly" title="Edit" data-testid="action-edit" @click.stop="startEdit(row.m.id)">✏️</button>
        <button v-if="(row.m.author_id === me || canModerate) && !readOnly" title="Delete" data-testid="action-delete" @click.stop="confirming = row.m.id">🗑️</button>
        <button v-if="mode === 'channel' && !readOnly" :title="pinnedIds.includes(row.m.id) ? 'Unpin' : 'Pin to channel'" data-testid="action-pin"
                :data-pinned="pinnedIds.includes(row.m.id) ? 'true' : 'false'" @click.stop="$emit('pin', { id: row.m.id, pin: !pinnedIds.includes(row.m.id) })">📌</button>
        <button v-if="mode === 'channel'" :title="savedIds.includes(row.m.id) ? 'Remove from saved' : 'Save for later'" data-testid="action-save"
                :data-saved="savedIds.includes(row.m.id) ? 'true' : 'false'" @click.stop="$emit('save', { id: row.m.id, save: !savedIds.includes(row.m.id) })">🔖</button>
        <button title="Copy link" data-testid="action-copy-link" @click.stop="copyLink(row.m)">🔗</button>
        <button v-if="mode === 'channel'" title="Mark unread from here" data-testid="action-mark-unread" @click.stop="$emit('mark-unread', { id: row.m.id })">◉</button>
      </div>
      <div v-if="confirming === row.m.id" class="chat-confirm" data-testid="delete-confirm">
        Delete this message?
        <button class="chat-btn" @click.stop="confirming = null">Cancel</button>
        <button class="chat-btn chat-btn--danger" data-testid="delete-confirm-yes" @click.stop="confirmDelete(row.m)">Delete</button>
      </div>
    </div>
  </template>`;

export const messageRows = {
  components: { MessageFiles },
  data() {
    return {
      editing: null, // id of the message whose edit box is open
      editText: "",
      confirming: null, // id of the message whose deletion waits for "Delete"
      touched: null, // key of the message whose actions a tap shows (touch screens have no hover)
    };
  },
  methods: {
    hue,
    initials,
    pendingHtml,
    openProfile(m) {
      if (m.author_id) this.$emit("open-profile", { id: m.author_id });
    },
    onTap(m, event) {
      // On touch screens there is no hover: a tap shows the message's actions.
      if (event.target.closest("a, button, textarea")) return;
      this.touched = this.touched === m.key ? null : m.key;
    },
    startEdit(id) {
      const m = this.messages.find((m) => m.id === id);
      if (!m || m.author_id !== this.me || m.deleted) return;
      this.editing = id;
      this.editText = m.body;
      this.$nextTick(() => {
        const box = this.$el.querySelector(".chat-edit textarea");
        if (box) {
          box.focus();
          box.setSelectionRange(box.value.length, box.value.length);
        }
      });
    },
    saveEdit(m) {
      const body = this.editText;
      this.editing = null;
      if (!body.trim() || body === m.body) return;
      addEdit({ key: this.outboxKey, id: m.id, body }); // kept until the server has applied it (outbox.js)
      m.pendingEdit = body;
      this.$emit("edit", { id: m.id, body });
    },
    confirmDelete(m) {
      this.confirming = null;
      this.$emit("delete", { id: m.id });
    },
    permalink(m) {
      return m.id ? `${this.linkBase}/m/${m.id}` : "#";
    },
    copyLink(m) {
      const url = window.location.origin + this.permalink(m);
      if (navigator.clipboard) navigator.clipboard.writeText(url);
      this.$emit("copied", { url });
    },
    // ---- text ------------------------------------------------------------------------------------
    emojiChar(code) {
      return this.emojiMap[code] || `:${code}:`;
    },
    personName(id) {
      return this.peopleMap[id] || "Someone";
    },
    seenText(ids) {
      const names = ids.map(this.personName);
      return names.length > 4 ? names.slice(0, 3).join(", ") + ` and ${names.length - 3} others` : names.join(", ");
    },
    reactorNames(r) {
      return r.user_ids.map((id) => (id === this.me ? "You" : this.personName(id))).join(", ") + ` reacted with :${r.emoji}:`;
    },
    time(m) {
      return clockTime(m.created_at);
    },
    relative(iso) {
      return relativeTime(iso);
    },
  },
};
