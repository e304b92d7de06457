// Uploads with a progress bar per file, for the workroom's files and a dispute's evidence.

const csrfToken = () => document.querySelector("[name=csrfmiddlewaretoken]")?.value || "";

// POST one file (as `files`) with `fields` to `url`, moving `bar` as it goes; resolves
// {ok, error}. The endpoint answers JSON to X-Requested-With: fetch.
export function postFile(url, fields, file, bar) {
  return new Promise((resolve) => {
    const data = new FormData();
    data.append("csrfmiddlewaretoken", csrfToken());
    for (const [name, value] of Object.entries(fields)) data.append(name, value);
    data.append("files", file);
    const request = new XMLHttpRequest();
    request.open("POST", url);
    request.setRequestHeader("X-Requested-With", "fetch");
    // In a header too: a body cut short by the size cap loses the form's token.
    request.setRequestHeader("X-CSRFToken", csrfToken());
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) bar.value = event.loaded / event.total;
    });
    request.addEventListener("load", () => {
      let body = {};
      try {
        body = JSON.parse(request.responseText);
      } catch {
        body = { error: request.status === 413 ? "This file is too large." : "The upload failed." };
      }
      if (request.status < 300) {
        bar.value = 1;
        resolve({ ok: true });
      } else {
        resolve({ ok: false, error: body.error || "The upload failed." });
      }
    });
    request.addEventListener("error", () =>
      resolve({ ok: false, error: "The connection dropped; try again." }),
    );
    request.send(data);
  });
}

// One row per file in `list` (name, progress bar, status line), replacing what was there.
export function progressRows(list, files) {
  list.replaceChildren();
  return files.map((file) => {
    const row = document.createElement("li");
    row.className = "upload-list__item";
    const name = document.createElement("span");
    name.className = "upload-list__name";
    name.textContent = file.name;
    const bar = document.createElement("progress");
    bar.className = "progress";
    bar.max = 1;
    bar.value = 0;
    bar.setAttribute("aria-label", `Uploading ${file.name}`);
    const line = document.createElement("span");
    line.className = "upload-list__status";
    row.append(name, bar, line);
    list.append(row);
    return { file, row, bar, line };
  });
}

// Mark a row's outcome: done with `doneText`, or the error.
export function settleRow(row, line, result, doneText) {
  row.classList.add(result.ok ? "upload-list__item--done" : "upload-list__item--error");
  line.textContent = result.ok ? doneText : result.error;
}
