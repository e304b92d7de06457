// One WebRTC connection to the other person. The one already in the call when the other
// arrives ("host") adds an audio and a video transceiver and offers; the arriving one answers
// on those transceivers. The negotiation follows the "perfect negotiation" pattern (the
// "polite" side, fixed by user id, gives way when both offer at once, as when two join in the
// same instant through two server processes), so an ICE restart mid-call needs no other rules.
// Signals go out through `send`; what comes back goes to receive().

const RESTART_AFTER = 4000; // ms "disconnected" before the host restarts ICE
const GIVE_UP_AFTER = 30000; // ms without a connection before saying it is lost

export class PeerLink extends EventTarget {
  constructor({ iceServers, host, polite, send, tracks }) {
    super();
    this.host = host;
    this.polite = polite;
    this.send = send;
    this.tracks = tracks; // { audio, video }: the local tracks to send (either may be null)
    this.makingOffer = false;
    this.ignoreOffer = false;
    this.early = []; // candidates that came before the description they belong to
    this.remote = new MediaStream();
    const pc = (this.pc = new RTCPeerConnection({ iceServers }));
    pc.addEventListener("track", ({ track }) => {
      this.remote.addTrack(track);
      this.emit("remote", this.remote);
    });
    pc.addEventListener("icecandidate", ({ candidate }) => {
      if (candidate) this.send({ candidate: candidate.toJSON() });
    });
    pc.addEventListener("negotiationneeded", () => this.offer());
    pc.addEventListener("connectionstatechange", () => this.stateChanged());
    if (host) {
      for (const kind of ["audio", "video"]) {
        pc.addTransceiver(this.tracks[kind] || kind, { direction: "sendrecv" });
      }
    }
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  async offer() {
    try {
      this.makingOffer = true;
      await this.pc.setLocalDescription();
      this.send({ description: this.pc.localDescription.toJSON() });
    } catch (error) {
      this.emit("problem", error);
    } finally {
      this.makingOffer = false;
    }
  }

  async receive({ description, candidate }) {
    const pc = this.pc;
    if (description) {
      const collision = description.type === "offer" && (this.makingOffer || pc.signalingState !== "stable");
      this.ignoreOffer = !this.polite && collision;
      if (this.ignoreOffer) return;
      await pc.setRemoteDescription(description);
      for (const early of this.early.splice(0)) await this.addCandidate(early);
      if (description.type === "offer") {
        this.attachTracks();
        await pc.setLocalDescription();
        this.send({ description: pc.localDescription.toJSON() });
      }
    } else if (candidate) {
      if (!pc.remoteDescription) this.early.push(candidate);
      else await this.addCandidate(candidate);
    }
  }

  async addCandidate(candidate) {
    try {
      await this.pc.addIceCandidate(candidate);
    } catch (error) {
      if (!this.ignoreOffer) this.emit("problem", error);
    }
  }

  // The arriving side sends on the host's transceivers.
  attachTracks() {
    for (const transceiver of this.pc.getTransceivers()) {
      const kind = transceiver.receiver.track.kind;
      if (!transceiver.sender.track && this.tracks[kind]) transceiver.sender.replaceTrack(this.tracks[kind]);
      transceiver.direction = "sendrecv";
    }
  }

  sender(kind) {
    return this.pc.getTransceivers().find((t) => t.receiver.track.kind === kind)?.sender;
  }

  // A new camera, a screen, a new microphone: swapped in without a new negotiation.
  async replace(kind, track) {
    this.tracks[kind] = track;
    await this.sender(kind)?.replaceTrack(track);
  }

  stateChanged() {
    const state = this.pc.connectionState;
    clearTimeout(this.restartTimer);
    if (state === "connected") {
      clearTimeout(this.giveUpTimer);
      this.giveUpTimer = null;
      this.emit("state", "connected");
      return;
    }
    if (state === "disconnected" || state === "failed") {
      this.emit("state", "reconnecting");
      if (this.host) this.restartTimer = setTimeout(() => this.pc.restartIce(), state === "failed" ? 0 : RESTART_AFTER);
      if (!this.giveUpTimer) this.giveUpTimer = setTimeout(() => this.emit("state", "lost"), GIVE_UP_AFTER);
    }
  }

  // Round-trip time and packet loss since the last call, from getStats().
  async quality() {
    const stats = await this.pc.getStats();
    let rtt = null;
    let lost = 0;
    let received = 0;
    stats.forEach((report) => {
      if (report.type === "candidate-pair" && report.state === "succeeded" && report.nominated && report.currentRoundTripTime !== undefined) {
        rtt = report.currentRoundTripTime;
      }
      if (report.type === "inbound-rtp") {
        lost += report.packetsLost || 0;
        received += report.packetsReceived || 0;
      }
    });
    const last = this.lastCounts || { lost: 0, received: 0 };
    this.lastCounts = { lost, received };
    const dLost = Math.max(0, lost - last.lost);
    const dTotal = dLost + Math.max(0, received - last.received);
    return { rtt, loss: dTotal ? dLost / dTotal : 0 };
  }

  close() {
    clearTimeout(this.restartTimer);
    clearTimeout(this.giveUpTimer);
    this.pc.close();
  }
}
