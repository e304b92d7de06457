// The call page (docs/calls.md): the lobby (preview, devices, level), then the call with one
// other person, then what is left to do after it (post the notes). The pieces: signalling.js
// (the call.* frames), peer.js (the WebRTC connection), media.js (camera, microphone, screen).
import { fillDeviceLists, levelMeter, openMedia, openScreen } from "./media.js";
import { PeerLink } from "./peer.js";
import { CallSignalling } from "./signalling.js";

const root = document.querySelector("[data-call]");
const data = JSON.parse(document.getElementById("call-data").textContent);
const other = data.other || { user: null, name: "the other person" };
const firstName = other.name.split(" ")[0];
const signalling = new CallSignalling(data.conversation);
const $ = (selector) => root.querySelector(selector);
// Reloading the page mid-call joins again by itself (the socket that closed left the call).
const REJOIN_KEY = `tandem.call.${data.conversation}`;
const NOBODY_AFTER = 120000; // ms of waiting before offering to leave a message instead

let stream = new MediaStream();
let stopMeter = () => {};
let link = null;
let inCall = false;
let screenTrack = null;
let connectedAt = null;
let waitTimer = null;
let qualityTimer = null;
const state = { audio: true, video: true, screen: false };

function setState(name) {
  root.dataset.state = name;
  $("[data-lobby]").hidden = name !== "lobby";
  $("[data-stage]").hidden = name !== "call";
  $("[data-ended]").hidden = name !== "ended";
}

function status(text, { waiting = true } = {}) {
  $("[data-status]").textContent = text;
  $("[data-waiting]").hidden = !waiting;
}

// --- the lobby ---------------------------------------------------------------------------------

async function preview({ videoDevice, audioDevice } = {}) {
  stopMeter();
  for (const track of stream.getTracks()) track.stop();
  const wanted = { video: $("[data-join-camera]").checked, audio: $("[data-join-mic]").checked };
  const opened = await openMedia({ ...wanted, videoDevice, audioDevice });
  stream = opened.stream;
  const problem = $("[data-media-problem]");
  problem.textContent = opened.problem;
  problem.hidden = !opened.problem;
  $("[data-preview]").srcObject = stream;
  $("[data-preview-off]").hidden = stream.getVideoTracks().length > 0;
  stopMeter = levelMeter($("[data-meter]"), stream);
  await fillDeviceLists(root, stream);
}

for (const select of root.querySelectorAll("[data-device]")) {
  select.addEventListener("change", async () => {
    if (select.dataset.device === "audiooutput") {
      await $("[data-remote-video]").setSinkId?.(select.value);
      return;
    }
    await preview({
      videoDevice: $("[data-device=videoinput]").value || undefined,
      audioDevice: $("[data-device=audioinput]").value || undefined,
    });
    if (link) {
      await link.replace("audio", stream.getAudioTracks()[0] || null);
      if (!state.screen) await link.replace("video", stream.getVideoTracks()[0] || null);
    }
  });
}
$("[data-join-camera]").addEventListener("change", () => preview());
$("[data-join-mic]").addEventListener("change", () => preview());

// --- joining and the call ----------------------------------------------------------------------

function join() {
  inCall = true;
  sessionStorage.setItem(REJOIN_KEY, "1");
  state.audio = stream.getAudioTracks().length > 0;
  state.video = stream.getVideoTracks().length > 0;
  state.screen = false;
  showControls();
  $("[data-local-video]").srcObject = stream;
  setState("call");
  status(`Waiting for ${firstName} to join…`);
  signalling.join();
  clearTimeout(waitTimer);
  waitTimer = setTimeout(() => {
    if (!connectedAt) {
      status(`${firstName} hasn't joined yet.`);
      $("[data-leave-message]").hidden = false;
    }
  }, NOBODY_AFTER);
}

function tracks() {
  return { audio: stream.getAudioTracks()[0] || null, video: screenTrack || stream.getVideoTracks()[0] || null };
}

function connect(host) {
  link?.close();
  link = new PeerLink({
    iceServers: data.iceServers,
    host,
    polite: data.me.user > other.user,
    tracks: tracks(),
    send: (payload) => signalling.signal(other.user, payload),
  });
  link.addEventListener("remote", (event) => {
    const video = $("[data-remote-video]");
    if (video.srcObject !== event.detail) video.srcObject = event.detail;
  });
  link.addEventListener("state", (event) => linkState(event.detail));
  status(`Connecting to ${firstName}…`);
}

function linkState(name) {
  if (name === "connected") {
    connectedAt = connectedAt || Date.now();
    clearTimeout(waitTimer);
    $("[data-leave-message]").hidden = true;
    status("", { waiting: false });
    signalling.media(state);
    startQuality();
  } else if (name === "reconnecting") {
    status("Reconnecting…");
  } else if (name === "lost") {
    status(`The connection to ${firstName} was lost. Check your network, then leave and rejoin.`);
  }
}

function peerGone(text) {
  link?.close();
  link = null;
  stopQuality();
  $("[data-remote-video]").srcObject = null;
  for (const flag of root.querySelectorAll("[data-remote-muted], [data-remote-camera-off], [data-remote-screen]")) flag.hidden = true;
  status(text);
}

signalling.addEventListener("call.joined", (event) => {
  if (!inCall) return;
  const here = event.detail.peers.some((peer) => peer.user === other.user);
  // A renewal's answer while connected says nothing new.
  if (here && !link) status(`Connecting to ${firstName}…`);
});

signalling.addEventListener("call.peer_joined", (event) => {
  if (event.detail.user.user !== other.user) return;
  if (!inCall) {
    $("[data-join]").textContent = `Join ${firstName} in the call`;
    return;
  }
  connect(true); // they arrived (or came back): we offer
});

signalling.addEventListener("call.signal", async (event) => {
  if (!inCall || event.detail.from !== other.user) return;
  if (!link) connect(false);
  await link.receive(event.detail.data);
});

signalling.addEventListener("call.media", (event) => {
  if (event.detail.user !== other.user) return;
  $("[data-remote-muted]").hidden = event.detail.audio;
  $("[data-remote-camera-off]").hidden = event.detail.video || event.detail.screen;
  $("[data-remote-screen]").hidden = !event.detail.screen;
});

signalling.addEventListener("call.peer_left", (event) => {
  if (!inCall || event.detail.user !== other.user) return;
  peerGone(`${firstName} left the call.`);
});

signalling.addEventListener("call.error", (event) => {
  // A late ICE candidate to someone who just left is refused too: that is no news.
  if (!inCall || (link && event.detail.code === "not_found")) return;
  status(event.detail.detail || "The call could not go on.");
});

signalling.addEventListener("status", (event) => {
  if (!inCall) return;
  if (!event.detail.connected) status("Reconnecting…", { waiting: !connectedAt });
});

// --- the controls --------------------------------------------------------------------------------

function press(button, pressed, label) {
  button.setAttribute("aria-pressed", String(pressed));
  button.querySelector("[data-label]").textContent = label;
}

function showControls() {
  press($("[data-toggle-mic]"), !state.audio, state.audio ? "Mute" : "Unmute");
  press($("[data-toggle-camera]"), !state.video, state.video ? "Stop video" : "Start video");
  press($("[data-toggle-screen]"), state.screen, state.screen ? "Stop sharing" : "Share screen");
  $("[data-toggle-screen]").hidden = !navigator.mediaDevices?.getDisplayMedia;
}

$("[data-toggle-mic]").addEventListener("click", async () => {
  let track = stream.getAudioTracks()[0];
  if (!track) {
    const opened = await openMedia({ video: false, audio: true });
    track = opened.stream.getAudioTracks()[0];
    if (!track) return;
    stream.addTrack(track);
    await link?.replace("audio", track);
    state.audio = false; // flipped below
  }
  state.audio = !state.audio;
  track.enabled = state.audio;
  showControls();
  signalling.media(state);
});

$("[data-toggle-camera]").addEventListener("click", async () => {
  let track = stream.getVideoTracks()[0];
  if (!track) {
    const opened = await openMedia({ video: true, audio: false });
    track = opened.stream.getVideoTracks()[0];
    if (!track) return;
    stream.addTrack(track);
    if (!state.screen) await link?.replace("video", track);
    $("[data-local-video]").srcObject = stream;
    state.video = false; // flipped below
  }
  state.video = !state.video;
  track.enabled = state.video;
  showControls();
  signalling.media(state);
});

async function stopSharing() {
  screenTrack?.stop();
  screenTrack = null;
  state.screen = false;
  await link?.replace("video", stream.getVideoTracks()[0] || null);
  $("[data-local-video]").srcObject = stream;
  showControls();
  signalling.media(state);
}

$("[data-toggle-screen]").addEventListener("click", async () => {
  if (state.screen) {
    await stopSharing();
    return;
  }
  try {
    screenTrack = await openScreen();
  } catch {
    return; // the person cancelled the browser's picker
  }
  screenTrack.addEventListener("ended", () => stopSharing());
  state.screen = true;
  await link?.replace("video", screenTrack);
  $("[data-local-video]").srcObject = new MediaStream([screenTrack]);
  showControls();
  signalling.media(state);
});

// --- connection quality -------------------------------------------------------------------------

function startQuality() {
  stopQuality();
  const box = $("[data-quality]");
  const tick = async () => {
    if (!link) return;
    const { rtt, loss } = await link.quality();
    if (rtt === null) return;
    const level = rtt < 0.15 && loss < 0.02 ? "good" : rtt < 0.4 && loss < 0.08 ? "fair" : "poor";
    box.dataset.level = level;
    $("[data-quality-text]").textContent = `${level[0].toUpperCase()}${level.slice(1)} connection · ${Math.round(rtt * 1000)} ms · ${Math.round(loss * 100)}% loss`;
    box.hidden = false;
  };
  tick();
  qualityTimer = setInterval(tick, 3000);
}

function stopQuality() {
  clearInterval(qualityTimer);
  $("[data-quality]").hidden = true;
}

// --- leaving, and after -------------------------------------------------------------------------

function leave() {
  inCall = false;
  sessionStorage.removeItem(REJOIN_KEY);
  signalling.leave();
  peerGone("");
  clearTimeout(waitTimer);
  stopMeter();
  screenTrack?.stop();
  for (const track of stream.getTracks()) track.stop();
  const talked = connectedAt ? Math.round((Date.now() - connectedAt) / 60000) : null;
  $("[data-ended-text]").textContent =
    talked === null ? `${firstName} did not join.` : `You talked with ${firstName} for ${talked < 1 ? "less than a minute" : `${talked} min`}.`;
  $("[data-post-notes]").hidden = !$("[data-notes]").value.trim();
  setState("ended");
}

$("[data-join]").addEventListener("click", join);
$("[data-leave]").addEventListener("click", leave);
$("[data-rejoin]").addEventListener("click", () => location.reload());
$("[data-notes]").addEventListener("input", () => {
  if (root.dataset.state === "ended") $("[data-post-notes]").hidden = !$("[data-notes]").value.trim();
});

$("[data-post-notes]").addEventListener("click", async () => {
  const button = $("[data-post-notes]");
  const error = $("[data-notes-error]");
  button.disabled = true;
  const body = new FormData();
  body.append("notes", $("[data-notes]").value);
  const response = await fetch(data.notesUrl, {
    method: "POST",
    body,
    headers: { "X-CSRFToken": root.querySelector("[name=csrfmiddlewaretoken]").value, "X-Requested-With": "fetch" },
  }).catch(() => null);
  const answer = response ? await response.json().catch(() => ({})) : {};
  if (response?.ok) {
    button.hidden = true;
    error.hidden = true;
    $("[data-notes-posted]").hidden = false;
  } else {
    button.disabled = false;
    error.textContent = answer.error || "The notes could not be posted. Try again.";
    error.hidden = false;
  }
});

await preview();
if (sessionStorage.getItem(REJOIN_KEY)) join();
