// Reports that the person is active in this tab (keys, pointer, focus), at most once per `interval` seconds,
// so presence can tell "online" from "away". Nothing is sent while the person is idle.
export default {
  template: `<span style="display:none"></span>`,
  props: { interval: { type: Number, default: 30 } },
  mounted() {
    this.last = 0;
    this.onActivity = () => {
      const now = Date.now();
      if (document.visibilityState !== "visible" || now - this.last < this.interval * 1000) return;
      this.last = now;
      this.$emit("active");
    };
    for (const type of ["keydown", "pointerdown", "pointermove", "wheel", "focus"]) window.addEventListener(type, this.onActivity, { passive: true });
    document.addEventListener("visibilitychange", this.onActivity);
  },
  unmounted() {
    for (const type of ["keydown", "pointerdown", "pointermove", "wheel", "focus"]) window.removeEventListener(type, this.onActivity);
    document.removeEventListener("visibilitychange", this.onActivity);
  },
};
