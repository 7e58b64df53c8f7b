// Small formatting helpers shared by the browser components (a NiceGUI dependency, imported as "chat_format").
// No state and no DOM: each function maps a value to the text or colour a component shows.

const SIZE_UNITS = ["KB", "MB", "GB"];

// A file size as text, exactly as Python's state/files/storage.py: format_size writes it (e2e/test_format_size.py
// compares the two): "1 byte", "0 bytes" ... "1023 bytes", then one decimal in KB, MB or GB, without a trailing
// ".0" ("1 KB", "1.5 KB"); a size that rounds to 1024 of a unit is shown in the next one (1048575 is "1 MB").
// The decimal is rounded as Python's format() rounds: from the exact value, an exact tie to even (1280 bytes is
// 1.25 KB: "1.2 KB"), which Number.toFixed would round up.
export function formatSize(bytes) {
  const size = BigInt(Math.trunc(Number(bytes) || 0));
  if (size === 1n) return "1 byte";
  if (size < 1024n) return `${size} bytes`;
  let divisor = 1024n;
  for (let unit = 0; ; unit += 1) {
    const tenths = roundedTenths(size, divisor);
    if (tenths < 10240n || unit === SIZE_UNITS.length - 1) {
      const whole = tenths / 10n;
      const decimal = tenths % 10n;
      return (decimal === 0n ? `${whole}` : `${whole}.${decimal}`) + " " + SIZE_UNITS[unit];
    }
    divisor *= 1024n;
  }
}

// size / divisor in tenths, rounded half to even.
function roundedTenths(size, divisor) {
  const scaled = size * 10n;
  let tenths = scaled / divisor;
  const twice = (scaled % divisor) * 2n;
  if (twice > divisor || (twice === divisor && tenths % 2n === 1n)) tenths += 1n;
  return tenths;
}

export function initials(name) {
  const parts = (name || "?").trim().split(/\s+/);
  return ((parts[0] || "?")[0] + (parts.length > 1 ? parts[parts.length - 1][0] : "")).toUpperCase();
}

// The avatar hue of a person (the same person has the same colour everywhere).
export function hue(id) {
  return (Number(id) * 67) % 360;
}

export function dayKey(date) {
  return `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}`;
}

export function dayLabel(date) {
  const today = new Date();
  const yesterday = new Date(Date.now() - 86400000);
  if (dayKey(date) === dayKey(today)) return "Today";
  if (dayKey(date) === dayKey(yesterday)) return "Yesterday";
  return date.toLocaleDateString(undefined, { weekday: "long", month: "long", day: "numeric", year: "numeric" });
}

export function clockTime(iso) {
  return new Date(iso).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
}

export function relativeTime(iso) {
  const seconds = (Date.now() - new Date(iso)) / 1000;
  if (seconds < 60) return "just now";
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return new Date(iso).toLocaleDateString();
}

// A text as typed, escaped, line breaks kept: what a message shows until the server's rendering arrives.
export function pendingHtml(body) {
  return "<p>" + escapeHtml(body).replace(/\n/g, "<br>") + "</p>";
}

export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}
