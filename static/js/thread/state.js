// The conversation as this page knows it, without any DOM: messages by key, who has read how
// far, the message being edited. Messages merge by id, so a message seen twice (catch-up and a
// live event) is kept once; a sent message is kept under its client_id as pending until its ack.

export function keyOf(message) {
  return message.id ? `m${message.id}` : `c${message.client_id}`;
}

export class ThreadState {
  constructor(data) {
    this.conversationId = data.conversation;
    this.me = data.me;
    this.readOnly = data.read_only;
    this.editWindowMs = data.edit_window_seconds * 1000;
    this.messages = new Map(); // key (id, or client_id while pending) -> message
    this.hasOlder = data.has_older;
    this.readBy = new Map(data.read_by.map((r) => [r.user.id, r]));
    this.myLastReadSeq = data.my_last_read_seq;
    // The message being edited survives re-renders (a new message or a read receipt arriving
    // while you edit must not throw your draft away).
    this.editing = null; // {id, draft}
    this.localOrder = 0;
  }

  merge(message) {
    if (message.conversation !== this.conversationId) return;
    if (message.client_id) this.messages.delete(`c${message.client_id}`);
    const key = keyOf(message);
    const known = this.messages.get(key);
    if (known && known.version > message.version) return;
    this.messages.set(key, message);
  }

  ordered() {
    return [...this.messages.values()].sort((a, b) => (a.seq ?? Infinity) - (b.seq ?? Infinity) || (a.localOrder ?? 0) - (b.localOrder ?? 0));
  }

  byId(id) {
    return this.messages.get(`m${id}`);
  }

  pending(clientId) {
    return this.messages.get(`c${clientId}`);
  }

  dropPending(clientId) {
    this.messages.delete(`c${clientId}`);
  }

  // A message just handed to the socket, shown as "sending…" until its ack replaces it.
  addPending(clientId, body, attachments) {
    this.messages.set(`c${clientId}`, {
      client_id: clientId,
      conversation: this.conversationId,
      kind: "user",
      sender: this.me,
      body,
      attachments,
      created_at: new Date().toISOString(),
      pending: true,
      localOrder: ++this.localOrder,
      version: 0,
    });
  }

  isMine(message) {
    return message.sender?.id === this.me.id;
  }

  isEditing(message) {
    return Boolean(this.editing && this.editing.id === message.id);
  }

  canChange(message) {
    return message.id && !message.deleted && message.kind === "user" && this.isMine(message) && !this.readOnly
      && Date.now() - Date.parse(message.created_at) < this.editWindowMs;
  }

  // A read receipt: someone read up to `frame.message`.
  noteRead(frame) {
    const message = [...this.messages.values()].find((m) => m.id === frame.message);
    const known = this.readBy.get(frame.user.id);
    const seq = message ? message.seq : known?.seq ?? 0;
    if (!known || seq > known.seq) this.readBy.set(frame.user.id, { user: frame.user, message: frame.message, seq });
  }

  // "Seen" under my latest message that the other person has read: {after: key, text} or null.
  seenLine(all) {
    const mineSent = all.filter((m) => m.id && this.isMine(m) && !m.deleted);
    if (!mineSent.length) return null;
    const last = mineSent[mineSent.length - 1];
    const readers = [...this.readBy.values()].filter((r) => r.seq >= last.seq);
    if (!readers.length) return null;
    const text = this.readBy.size === 1 ? "Seen" : `Seen by ${readers.map((r) => r.user.name.split(" ")[0]).join(", ")}`;
    return { after: keyOf(last), text };
  }

  // The latest message from someone else that I have not marked read yet, if any.
  lastUnreadFromOthers() {
    const theirs = this.ordered().filter((m) => m.id && !this.isMine(m) && m.seq > this.myLastReadSeq);
    return theirs.length ? theirs[theirs.length - 1] : null;
  }

  lowestSeq() {
    return Math.min(...this.ordered().filter((m) => m.seq).map((m) => m.seq));
  }
}
