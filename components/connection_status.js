// A banner while the websocket is down or reconnecting (NiceGUI's own popup is hidden by chat.css).
// data-state tells tests and assistive tech what is going on: connected | reconnecting | offline.
export default {
  template: `
    <div class="chat-banner" data-testid="connection-status" :data-state="state" v-show="state !== 'connected'" role="status">
      {{ state === 'offline' ? 'You are offline. Messages will catch up when the connection is back.' : 'Reconnecting…' }}
    </div>`,
  data() {
    return { state: "connected" };
  },
  mounted() {
    const attach = () => {
      if (!window.socket) return setTimeout(attach, 50); // the socket is created right after the app mounts
      window.socket.on("connect", () => (this.state = "connected"));
      window.socket.on("disconnect", () => (this.state = navigator.onLine ? "reconnecting" : "offline"));
      window.socket.io.on("reconnect_attempt", () => (this.state = navigator.onLine ? "reconnecting" : "offline"));
    };
    attach();
    this.onOffline = () => (this.state = "offline");
    this.onOnline = () => (this.state = window.socket && window.socket.connected ? "connected" : "reconnecting");
    window.addEventListener("offline", this.onOffline);
    window.addEventListener("online", this.onOnline);
  },
  unmounted() {
    window.removeEventListener("offline", this.onOffline);
    window.removeEventListener("online", this.onOnline);
  },
};
