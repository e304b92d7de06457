// A call's signalling over the page's one socket (live.js): the call.* frames of one
// conversation (docs/websocket-protocol.md, "Calls"). It knows nothing of WebRTC, so a later
// media server (an SFU) could take the peer connection's place without touching it.
import { getLive } from "../live.js";

// The server forgets a socket 90 s after its last call.join: join again well within that.
const RENEW = 30000;
const TYPES = ["call.joined", "call.peer_joined", "call.peer_left", "call.signal", "call.media", "call.left"];

export class CallSignalling extends EventTarget {
  constructor(conversation) {
    super();
    this.conversation = conversation;
    this.live = getLive();
    this.joined = false;
    for (const type of TYPES) {
      this.live.addEventListener(type, (event) => {
        if (event.detail.conversation === conversation) this.emit(type, event.detail);
      });
    }
    this.live.addEventListener("error", (event) => {
      if (event.detail.conversation === conversation) this.emit("call.error", event.detail);
    });
    this.live.addEventListener("status", (event) => {
      // A new socket is a new member of the call: join again, and the peer starts over.
      if (event.detail.connected && this.joined) this.send({ type: "call.join" });
      this.emit("status", event.detail);
    });
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  send(frame) {
    return this.live.raw({ ...frame, conversation: this.conversation });
  }

  join() {
    this.joined = true;
    this.send({ type: "call.join" });
    clearInterval(this.renewTimer);
    this.renewTimer = setInterval(() => this.send({ type: "call.join" }), RENEW);
  }

  leave() {
    this.joined = false;
    clearInterval(this.renewTimer);
    this.send({ type: "call.leave" });
  }

  signal(to, data) {
    this.send({ type: "call.signal", to, data });
  }

  media(state) {
    this.send({ type: "call.media", audio: state.audio, video: state.video, screen: state.screen });
  }
}
