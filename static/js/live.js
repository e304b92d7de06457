// The one websocket per tab (docs/websocket-protocol.md). It reconnects by itself with
// backoff, re-subscribes every conversation from the last version it saw (so nothing sent
// while it was down is missed), and resends unacknowledged messages with their client_id
// (so nothing is sent twice). Pages listen to its events; nothing else opens a socket.

const MIN_DELAY = 500;
const MAX_DELAY = 15000;
const HEARTBEAT = 25000;

class LiveSocket extends EventTarget {
  constructor(url) {
    super();
    this.url = url;
    this.socket = null;
    this.attempt = 0;
    this.stopped = false;
    // conversation id -> the version up to which every change has been seen: versions come
    // one by one, so a jump means one went missing (docs/websocket-protocol.md, "Gaps").
    this.cursors = new Map();
    this.catchingUp = new Set(); // conversations with a catch-up subscribe in flight
    this.pending = new Map(); // client_id -> message.send frame awaiting its ack
    this.connected = false;
    // Open only once every module of the page has run. Module scripts run after parsing (with
    // readyState already "interactive") and before DOMContentLoaded, each once its imports are
    // fetched: a socket opened by the first of them was live before a later one (thread.js and
    // its imports) had added its listeners or subscribed, so "connected" claimed a page was
    // live whose composer did nothing yet. "load" is the fallback for a socket asked for after
    // DOMContentLoaded.
    if (document.readyState === "complete") {
      this.connect();
    } else {
      const start = () => this.socket || this.connect();
      document.addEventListener("DOMContentLoaded", start, { once: true });
      window.addEventListener("load", start, { once: true });
    }
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible" && !this.connected) this.reconnectNow();
    });
    window.addEventListener("online", () => this.reconnectNow());
  }

  connect() {
    clearTimeout(this.retryTimer);
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.addEventListener("open", () => {
      if (socket !== this.socket) return;
      this.attempt = 0;
      this.connected = true;
      this.emit("status", { connected: true });
      for (const [conversation, after] of this.cursors) {
        this.raw({ type: "subscribe", conversation, after });
      }
      for (const frame of this.pending.values()) this.raw(frame);
      this.heartbeat = setInterval(() => this.raw({ type: "ping" }), HEARTBEAT);
    });
    socket.addEventListener("message", (event) => this.receive(event.data));
    socket.addEventListener("close", (event) => {
      if (socket !== this.socket) return;
      clearInterval(this.heartbeat);
      this.connected = false;
      this.catchingUp.clear(); // the reconnect re-subscribes everything from its cursor
      if (event.code === 4401) {
        this.stopped = true;
        this.emit("status", { connected: false, signedOut: true });
        return;
      }
      this.emit("status", { connected: false });
      this.scheduleReconnect();
    });
  }

  scheduleReconnect() {
    if (this.stopped) return;
    const base = Math.min(MAX_DELAY, MIN_DELAY * 2 ** this.attempt);
    this.attempt += 1;
    const delay = base / 2 + Math.random() * (base / 2);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  reconnectNow() {
    // No socket yet: the first one opens on DOMContentLoaded.
    if (this.stopped || this.connected || !this.socket) return;
    this.attempt = 0;
    this.connect();
  }

  raw(frame) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  seen(conversation, version) {
    if (!this.cursors.has(conversation)) return;
    const cursor = this.cursors.get(conversation);
    if (version === cursor + 1) {
      this.cursors.set(conversation, version);
    } else if (version > cursor + 1 && !this.catchingUp.has(conversation)) {
      // A change in between never arrived (a full channel dropped it, or two server
      // processes delivered out of order): fetch everything after the last one seen in full.
      this.catchingUp.add(conversation);
      this.raw({ type: "subscribe", conversation, after: cursor });
    }
  }

  receive(text) {
    let frame;
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    switch (frame.type) {
      case "subscribed":
        for (const message of frame.missed) this.emit("message", { message, live: false });
        if (frame.has_more) {
          const highest = Math.max(...frame.missed.map((m) => m.version));
          this.cursors.set(frame.conversation, highest);
          this.raw({ type: "subscribe", conversation: frame.conversation, after: highest });
        } else {
          this.catchingUp.delete(frame.conversation);
          this.cursors.set(frame.conversation, Math.max(this.cursors.get(frame.conversation) || 0, frame.version));
          this.emit("subscribed", frame);
        }
        return;
      case "message.new":
      case "message.updated":
        this.seen(frame.conversation, frame.message.version);
        this.emit("message", { message: frame.message, live: true });
        // A subscribed socket gets a new message once, with this person's unread count, in
        // place of the conversation.updated an inbox-only socket gets: pass that on as one.
        if (frame.type === "message.new" && typeof frame.unread === "number") {
          this.emit("conversation.updated", {
            type: "conversation.updated",
            conversation: frame.conversation,
            unread: frame.unread,
            last_message: frame.message,
          });
        }
        return;
      case "message.ack":
        this.pending.delete(frame.client_id);
        this.seen(frame.message.conversation, frame.message.version);
        this.emit("message", { message: frame.message, live: true });
        this.emit("ack", frame);
        return;
      case "policy.warning":
        if (frame.client_id) this.pending.delete(frame.client_id);
        this.emit("warning", frame);
        return;
      case "error":
        if (frame.client_id) this.pending.delete(frame.client_id);
        this.emit("error", frame);
        return;
      case "conversation.removed":
        this.cursors.delete(frame.conversation);
        this.emit(frame.type, frame);
        return;
      default:
        this.emit(frame.type, frame);
    }
  }

  subscribe(conversation, after = 0) {
    this.cursors.set(conversation, Math.max(after, this.cursors.get(conversation) || 0));
    this.raw({ type: "subscribe", conversation, after: this.cursors.get(conversation) });
  }

  send(conversation, body, { clientId = crypto.randomUUID(), attachments = [], confirm = false } = {}) {
    const frame = { type: "message.send", conversation, body, client_id: clientId, attachments };
    if (confirm) frame.confirm = true;
    this.pending.set(clientId, frame);
    this.raw(frame);
    return clientId;
  }

  edit(message, body, { confirm = false } = {}) {
    return this.raw(confirm ? { type: "message.edit", message, body, confirm } : { type: "message.edit", message, body });
  }

  remove(message) {
    return this.raw({ type: "message.delete", message });
  }

  typing(conversation) {
    return this.raw({ type: "typing", conversation });
  }

  read(conversation, message) {
    return this.raw({ type: "read", conversation, message });
  }
}

let live = null;

export function getLive() {
  if (!live) {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    live = new LiveSocket(`${scheme}://${location.host}/ws/`);
    // Tests and the console can reach it (e.g. to drop the socket on purpose).
    window.tandemLive = live;
  }
  return live;
}
