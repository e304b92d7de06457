// /profile/edit/: photo upload with a progress bar, overview counter, skill suggestions,
// timezone from the browser, confirmations. An ES module, not an inline script, so a strict CSP
// can forbid inline scripts (none is sent yet). Every form on the page also works without it.

const csrfToken = () => document.querySelector('input[name="csrfmiddlewaretoken"]')?.value ?? "";

function formatBytes(bytes) {
  return bytes >= 1024 * 1024
    ? `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, "")} MB`
    : `${Math.ceil(bytes / 1024)} KB`;
}

// --- Field errors, the way includes/form_field.html renders them -----------------------------
function setFieldError(input, messages) {
  const field = input.closest(".field");
  if (!field) return;
  const id = `${input.id}_error`;
  field.querySelector(`#${CSS.escape(id)}`)?.remove();
  field.classList.toggle("field--invalid", messages.length > 0);
  if (messages.length === 0) {
    input.removeAttribute("aria-invalid");
    return;
  }
  const box = document.createElement("div");
  box.className = "field__error";
  box.id = id;
  for (const text of messages) {
    const p = document.createElement("p");
    p.textContent = text;
    box.append(p);
  }
  input.after(box);
  input.setAttribute("aria-invalid", "true");
  const described = new Set((input.getAttribute("aria-describedby") ?? "").split(" ").filter(Boolean));
  described.add(id);
  input.setAttribute("aria-describedby", [...described].join(" "));
}

// --- Completeness meter ----------------------------------------------------------------------
function updateMeter(completeness) {
  for (const meter of document.querySelectorAll("[data-meter]")) {
    meter.querySelector("[data-meter-percent]").textContent = completeness.percent;
    const bar = meter.querySelector("[data-meter-bar]");
    bar.value = completeness.percent;
    bar.textContent = `${completeness.percent}%`;
    bar.classList.toggle("progress--success", completeness.percent >= 100);
    const label = meter.querySelector("[data-meter-label]");
    if (label) label.textContent = completeness.percent >= 100 ? "Complete" : "complete";
    for (const step of completeness.steps) {
      const item = meter.querySelector(`[data-step="${CSS.escape(step.key)}"]`);
      if (!item || !step.done || item.classList.contains("meter__step--done")) continue;
      item.classList.add("meter__step--done");
      item.querySelector(".meter__detail")?.remove();
      const link = item.querySelector("a.meter__text");
      if (link) {
        const text = document.createElement("span");
        text.className = "meter__text";
        text.textContent = link.textContent;
        link.replaceWith(text);
      }
    }
  }
}

// --- Photo: upload on choose, with progress --------------------------------------------------
const photoForm = document.querySelector("[data-photo-form]");
if (photoForm) {
  const input = photoForm.querySelector("[data-photo-input]");
  const submit = photoForm.querySelector("[data-photo-submit]");
  const progressBox = photoForm.querySelector("[data-upload-progress]");
  const progress = progressBox.querySelector("progress");
  const progressText = progressBox.querySelector("[data-upload-text]");
  const preview = document.querySelector("[data-photo-preview]");
  const maxBytes = Number(photoForm.dataset.maxBytes);
  const accepted = ["image/jpeg", "image/png", "image/webp"];

  // The button stays for a browser without JavaScript; here choosing a file is enough.
  submit.hidden = true;

  const showProgress = (percent) => {
    progressBox.hidden = false;
    progress.value = percent;
    progressText.textContent = percent >= 100 ? "Processing…" : `${percent}%`;
  };

  const upload = () => {
    const file = input.files?.[0];
    if (!file) return;
    if (file.size > maxBytes) {
      setFieldError(input, [
        `This file is ${formatBytes(file.size)}; images can be up to ${formatBytes(maxBytes)}.`,
      ]);
      return;
    }
    if (file.type && !accepted.includes(file.type)) {
      setFieldError(input, ["Upload a JPEG, PNG or WebP image."]);
      return;
    }
    setFieldError(input, []);
    const body = new FormData(photoForm);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", photoForm.action);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("X-CSRFToken", csrfToken());
    xhr.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) showProgress(Math.round((event.loaded / event.total) * 100));
    });
    xhr.addEventListener("load", () => {
      progressBox.hidden = true;
      input.disabled = false;
      let data = {};
      try {
        data = JSON.parse(xhr.responseText);
      } catch {
        // fall through to the generic message
      }
      if (xhr.status === 200 && data.thumb_url) {
        const img = document.createElement("img");
        img.className = "avatar avatar--xl";
        img.src = data.thumb_url;
        img.alt = "";
        preview.replaceChildren(img);
        input.value = "";
        updateMeter(data.completeness);
        photoForm.dataset.uploaded = "true";
        return;
      }
      const messages = data.errors?.photo?.map((error) => error.message) ?? [
        "The upload didn't work. Check your connection and try again.",
      ];
      setFieldError(input, messages);
    });
    xhr.addEventListener("error", () => {
      progressBox.hidden = true;
      input.disabled = false;
      setFieldError(input, ["The upload didn't work. Check your connection and try again."]);
    });
    showProgress(0);
    input.disabled = true;
    xhr.send(body);
  };

  input.addEventListener("change", upload);
  photoForm.addEventListener("submit", (event) => {
    event.preventDefault();
    upload();
  });
}

// --- Sample image: say at once when it is too large ------------------------------------------
for (const form of document.querySelectorAll("form[data-max-bytes]:not([data-photo-form])")) {
  const maxBytes = Number(form.dataset.maxBytes);
  const input = form.querySelector('input[type="file"]');
  input?.addEventListener("change", () => {
    const file = input.files?.[0];
    const tooLarge = file && file.size > maxBytes;
    setFieldError(
      input,
      tooLarge
        ? [`This file is ${formatBytes(file.size)}; images can be up to ${formatBytes(maxBytes)}.`]
        : [],
    );
  });
}

// --- Overview: words and characters as you type ----------------------------------------------
const overview = document.querySelector("[data-overview]");
const counter = document.querySelector("[data-overview-counter]");
if (overview && counter) {
  const max = Number(overview.getAttribute("maxlength")) || 5000;
  const update = () => {
    const words = overview.value.trim() ? overview.value.trim().split(/\s+/).length : 0;
    counter.textContent = `${words} word${words === 1 ? "" : "s"} · ${overview.value.length.toLocaleString()} of ${max.toLocaleString()} characters`;
    counter.classList.toggle("field__counter--ok", words >= 100);
  };
  counter.hidden = false;
  overview.addEventListener("input", update);
  update();
}

// --- Skills: popular suggestions append to the list ------------------------------------------
const skillsInput = document.querySelector("[data-skills-input]");
const suggestions = document.querySelector("[data-skill-suggestions]");
if (skillsInput && suggestions) {
  const current = () =>
    skillsInput.value
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
  const refresh = () => {
    const have = new Set(current().map((s) => s.toLowerCase()));
    for (const button of suggestions.querySelectorAll("[data-skill]")) {
      button.closest("li").hidden = have.has(button.dataset.skill.toLowerCase());
    }
  };
  suggestions.hidden = false;
  suggestions.addEventListener("click", (event) => {
    const button = event.target.closest("[data-skill]");
    if (!button) return;
    skillsInput.value = [...current(), button.dataset.skill].join(", ");
    skillsInput.focus();
    refresh();
  });
  skillsInput.addEventListener("input", refresh);
  refresh();
}

// --- Timezone: offer the browser's own --------------------------------------------------------
const tzSelect = document.querySelector("#id_timezone");
const tzSuggest = document.querySelector("[data-tz-suggest]");
if (tzSelect && tzSuggest) {
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const offered = [...tzSelect.options].some((option) => option.value === browserZone);
  if (browserZone && offered && tzSelect.value !== browserZone) {
    tzSuggest.querySelector("[data-tz-name]").textContent = browserZone.replaceAll("_", " ");
    tzSuggest.hidden = false;
    tzSuggest.querySelector("[data-tz-use]").addEventListener("click", () => {
      tzSelect.value = browserZone;
      tzSuggest.hidden = true;
      tzSelect.focus();
    });
  }
}

// --- Confirm before removing ------------------------------------------------------------------
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
});
