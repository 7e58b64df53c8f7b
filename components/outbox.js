// The outbox: messages this browser sent that the server has not confirmed yet, kept in localStorage.
//
// A send goes into the outbox before it goes to the server and leaves it only when the server has stored it
// (the confirmed message comes back with the same client_msg_id) or refused it (with the reason). Whatever
// happens in between (the tab offline, a page reload, a server restart) the composer of that conversation
// sends what is left again, with the same client_msg_id, which the server makes idempotent: each message
// arrives once, in the order it was typed. Entries are keyed by person and conversation ("outbox key"), so
// another account logged in later in this browser never sends them.
const STORAGE_KEY = "chat.outbox";
const PENDING_EVENT = "chat-outbox-pending"; // tells the message list of that conversation to show a bubble

function read() {
  try {
    const entries = JSON.parse(localStorage.getItem(STORAGE_KEY) || "[]");
    return Array.isArray(entries) ? entries : [];
  } catch (error) {
    return [];
  }
}

function write(entries) {
  try {
    if (entries.length) localStorage.setItem(STORAGE_KEY, JSON.stringify(entries));
    else localStorage.removeItem(STORAGE_KEY);
  } catch (error) {
    // Storage full or disabled: the send still goes out; it just cannot survive a reload.
  }
}

export function addToOutbox(entry) {
  write(read().filter((e) => e.client_msg_id !== entry.client_msg_id).concat([entry]));
  announcePending(entry);
}

export function removeFromOutbox(clientMsgId) {
  const entries = read();
  const left = entries.filter((e) => e.client_msg_id !== clientMsgId);
  if (left.length !== entries.length) write(left);
}

export function outboxEntries(key) {
  return key ? read().filter((e) => e.key === key) : [];
}

export function announcePending(entry) {
  window.dispatchEvent(new CustomEvent(PENDING_EVENT, { detail: entry }));
}

export function onPending(handler) {
  const listener = (event) => handler(event.detail);
  window.addEventListener(PENDING_EVENT, listener);
  return () => window.removeEventListener(PENDING_EVENT, listener);
}

// Runs `handler` whenever NiceGUI's socket connects: now if it is connected already, and after every drop.
export function onConnect(handler) {
  let stopped = false;
  const attach = () => {
    if (stopped) return;
    if (!window.socket) return setTimeout(attach, 50); // the socket is created right after the app mounts
    window.socket.on("connect", handler);
    if (window.socket.connected) handler();
  };
  attach();
  return () => {
    stopped = true;
    if (window.socket) window.socket.off("connect", handler);
  };
}

// Edits wait the same way: the newest text per message (`{key, id, body}`), kept until the server has applied it
// or refused it, and sent again on every connect by the list of that conversation. An edit is idempotent (the
// same text again changes nothing), so a resend after a lost answer is harmless.
const EDITS_KEY = "chat.edits";

function readEdits() {
  try {
    const entries = JSON.parse(localStorage.getItem(EDITS_KEY) || "[]");
    return Array.isArray(entries) ? entries : [];
  } catch (error) {
    return [];
  }
}

function writeEdits(entries) {
  try {
    if (entries.length) localStorage.setItem(EDITS_KEY, JSON.stringify(entries));
    else localStorage.removeItem(EDITS_KEY);
  } catch (error) {
    // Storage full or disabled: the edit still goes out; it just cannot survive a reload.
  }
}

export function addEdit(entry) {
  writeEdits(readEdits().filter((e) => e.id !== entry.id).concat([entry]));
}

export function removeEdit(id) {
  const entries = readEdits();
  const left = entries.filter((e) => e.id !== id);
  if (left.length !== entries.length) writeEdits(left);
}

export function editsFor(key) {
  return key ? readEdits().filter((e) => e.key === key) : [];
}
