// Browser notifications. Permission is asked only from a click (a user gesture); the button hides once the
// browser has an answer. The server calls show() for mentions, DMs and thread replies to this user.
export default {
  template: `
    <button v-if="supported && permission === 'default'" class="chat-side-link" data-testid="enable-notifications"
            @click="ask">🔔 Enable desktop notifications</button>`,
  data() {
    return { supported: "Notification" in window, permission: "Notification" in window ? Notification.permission : "denied" };
  },
  methods: {
    async ask() {
      this.permission = await Notification.requestPermission();
    },
    show(title, body, url) {
      // Only when this tab is not what the user is looking at; the tab title already shows the count.
      if (!this.supported || Notification.permission !== "granted" || document.hasFocus()) return;
      const note = new Notification(title, { body, tag: url });
      note.onclick = () => {
        window.focus();
        if (url && url.startsWith("/")) window.location.assign(url);
        note.close();
      };
    },
  },
};
