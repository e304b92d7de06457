// The local camera and microphone: asking for them (falling back to audio only, then to
// nothing), the device lists, the microphone's level, and screen sharing.

export async function openMedia({ video = true, audio = true, videoDevice, audioDevice } = {}) {
  // What the browser gave, and what it refused or lacked (said to the person, not thrown).
  const want = {
    video: video ? (videoDevice ? { deviceId: { exact: videoDevice } } : true) : false,
    audio: audio ? (audioDevice ? { deviceId: { exact: audioDevice } } : true) : false,
  };
  if (!want.video && !want.audio) return { stream: new MediaStream(), problem: "" };
  if (!navigator.mediaDevices?.getUserMedia) {
    return { stream: new MediaStream(), problem: "This browser cannot use a camera or microphone here. You can still watch and listen." };
  }
  try {
    return { stream: await navigator.mediaDevices.getUserMedia(want), problem: "" };
  } catch (error) {
    if (want.video && want.audio) {
      try {
        const stream = await navigator.mediaDevices.getUserMedia({ audio: want.audio });
        return { stream, problem: `${explain(error, "camera")} You can join with audio only.` };
      } catch {
        // fall through: neither works
      }
    }
    return { stream: new MediaStream(), problem: `${explain(error, want.video ? "camera and microphone" : "microphone")} You can join to watch and listen.` };
  }
}

function explain(error, what) {
  if (error?.name === "NotAllowedError") return `The ${what} were not allowed: the browser's address bar lets you change that.`;
  if (error?.name === "NotFoundError") return `No ${what} was found.`;
  if (error?.name === "NotReadableError") return `The ${what} is busy in another app.`;
  return `The ${what} could not be started.`;
}

export async function fillDeviceLists(root, stream) {
  if (!navigator.mediaDevices?.enumerateDevices) return;
  const devices = await navigator.mediaDevices.enumerateDevices();
  const current = new Map(stream.getTracks().map((t) => [t.kind === "video" ? "videoinput" : "audioinput", t.getSettings().deviceId]));
  for (const select of root.querySelectorAll("[data-device]")) {
    const kind = select.dataset.device;
    const options = devices.filter((d) => d.kind === kind);
    select.replaceChildren(
      ...options.map((device, index) => {
        const option = document.createElement("option");
        option.value = device.deviceId;
        option.textContent = device.label || `${kind === "videoinput" ? "Camera" : kind === "audioinput" ? "Microphone" : "Speaker"} ${index + 1}`;
        option.selected = device.deviceId === current.get(kind);
        return option;
      }),
    );
    select.disabled = options.length < 2;
  }
  // Choosing a speaker needs setSinkId (not every browser has it).
  const speaker = root.querySelector("[data-speaker-field]");
  if (speaker) speaker.hidden = !("setSinkId" in HTMLMediaElement.prototype) || !devices.some((d) => d.kind === "audiooutput");
}

// The microphone's level, 0..1, on a <meter>, while the stream has an audio track.
export function levelMeter(meter, stream) {
  const track = stream.getAudioTracks()[0];
  if (!track || !window.AudioContext) return () => {};
  const context = new AudioContext();
  // A page's audio may start only after a click or key (the browser's autoplay rule).
  if (context.state === "suspended") {
    const resume = () => context.resume();
    document.addEventListener("pointerdown", resume, { once: true });
    document.addEventListener("keydown", resume, { once: true });
  }
  const analyser = context.createAnalyser();
  analyser.fftSize = 512;
  context.createMediaStreamSource(new MediaStream([track])).connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  let frame = 0;
  const tick = () => {
    analyser.getFloatTimeDomainData(samples);
    let sum = 0;
    for (const s of samples) sum += s * s;
    meter.value = Math.min(1, Math.sqrt(sum / samples.length) * 4);
    frame = requestAnimationFrame(tick);
  };
  tick();
  return () => {
    cancelAnimationFrame(frame);
    meter.value = 0;
    context.close();
  };
}

export async function openScreen() {
  const stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
  return stream.getVideoTracks()[0];
}
