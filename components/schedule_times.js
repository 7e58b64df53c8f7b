// Times for "schedule for later", in the browser's own time zone: the composer's presets and the
// datetime-local inputs of the composer and the scheduled list.

function at(day, hours, minutes) {
  const d = new Date(day.getTime());
  d.setHours(hours, minutes, 0, 0);
  return d;
}

function describe(date) {
  return date.toLocaleString([], { weekday: "short", month: "short", day: "numeric", hour: "numeric", minute: "2-digit" });
}

export function schedulePresets(now) {
  const soon = new Date(now.getTime() + 30 * 60 * 1000);
  const tomorrow = at(new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1), 9, 0);
  const daysToMonday = ((8 - now.getDay()) % 7) || 7; // the next Monday, a week ahead on a Monday
  const monday = at(new Date(now.getFullYear(), now.getMonth(), now.getDate() + daysToMonday), 9, 0);
  return [
    { id: "30m", label: "In 30 minutes", hint: describe(soon), at: soon.getTime() },
    { id: "tomorrow", label: "Tomorrow at 9:00", hint: describe(tomorrow), at: tomorrow.getTime() },
    { id: "monday", label: "Next Monday at 9:00", hint: describe(monday), at: monday.getTime() },
  ];
}

function pad(n) {
  return String(n).padStart(2, "0");
}

// A Date as the value of <input type="datetime-local"> (local time, to the second).
export function toLocalInput(date) {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

// The input's value (local time) as a Date, or null when it is not a time.
export function fromLocalInput(value) {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(value || "");
  if (!match) return null;
  const [, y, mo, d, h, mi, s] = match.map((part) => (part === undefined ? 0 : Number(part)));
  const date = new Date(y, mo - 1, d, h, mi, s || 0, 0);
  return Number.isNaN(date.getTime()) ? null : date;
}

export function describeTime(date) {
  return describe(date);
}
