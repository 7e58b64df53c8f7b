// Keeps document.title in step with a prop (text as data, never code).
export default {
  template: `<span style="display:none"></span>`,
  props: { title: String },
  watch: {
    title: { immediate: true, handler(value) { if (value) document.title = value; } },
  },
};
