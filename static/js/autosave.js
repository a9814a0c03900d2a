// Autosave for the wizard: what is typed is saved a moment after typing stops, and when the
// page is hidden or left, to the step's autosave URL (jdbuilder/wizard/autosave.py). The header
// says "Saving…", "Saved 10:02" or "Not saved: …". Each save returns the draft's new version,
// written into the form's jd_version so the next Save passes the version check. After a
// conflict (saved elsewhere first) autosave stops and offers "Compare and merge".
(function () {
  "use strict";

  var DELAY = 1500; // ms after the last keystroke
  var KEEPALIVE_LIMIT = 60000; // browsers refuse keepalive bodies over 64 KiB

  var form = document.querySelector("form.wizard-form");
  var status = document.getElementById("save-status");
  if (!form || !status || !status.dataset.autosaveUrl) {
    return;
  }
  // On a merge page the form keeps the version it was read at, on purpose: saving it as it is
  // must show the merge again, not overwrite.
  if (document.getElementById("jd-merge")) {
    return;
  }
  var url = status.dataset.autosaveUrl;
  var timer = null;
  var dirty = false; // typed since the last successful save
  var busy = null; // the save on its way (a promise), if any
  var again = false; // typed while it was: save once more when it answers
  var stopped = false; // after a conflict: the manager must merge first
  var submitting = false;

  function say(text) {
    status.textContent = text;
  }

  function versionInput() {
    return form.querySelector('input[name="jd_version"]');
  }

  function body() {
    // URL-encoded, as a plain submit of the form: cheaper for the server than multipart.
    var data = new URLSearchParams(new FormData(form));
    data.delete("wizard_goto_step");
    return data;
  }

  function size(data) {
    var total = 0;
    data.forEach(function (value, key) {
      total += key.length + String(value).length + 8;
    });
    return total;
  }

  function showConflict(message) {
    if (document.getElementById("autosave-conflict")) {
      return;
    }
    var box = document.createElement("div");
    box.id = "autosave-conflict";
    box.className = "alert alert-warning d-flex flex-wrap align-items-center gap-2";
    box.setAttribute("role", "alert");
    var text = document.createElement("span");
    text.textContent = "Not saved: " + message;
    var button = document.createElement("button");
    button.type = "submit"; // a Save with the old version: the wizard answers with the merge
    button.className = "btn btn-warning btn-sm";
    button.textContent = "Compare and merge";
    box.appendChild(text);
    box.appendChild(button);
    var steps = form.querySelector("nav");
    form.insertBefore(box, steps ? steps.nextSibling : form.firstChild);
  }

  function answered(response) {
    return response
      .json()
      .catch(function () {
        return { saved: false, message: "the server answered " + response.status + "." };
      });
  }

  function save(leaving) {
    clearTimeout(timer);
    timer = null;
    if (!dirty || stopped || submitting) {
      return;
    }
    if (busy) {
      again = true;
      return;
    }
    var data = body();
    dirty = false;
    say("Saving…");
    busy = fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      // Lets the save finish when the page is closed; the answer is read if the page survives.
      keepalive: leaving || size(data) < KEEPALIVE_LIMIT,
    })
      .then(answered)
      .then(function (answer) {
        if (answer.saved) {
          versionInput().value = answer.version;
          var note = answer.complete ? "" : " (not complete yet)";
          say("Saved " + answer.saved_at + note);
        } else {
          dirty = true;
          if (answer.conflict) {
            stopped = true;
            showConflict(answer.message);
          }
          say("Not saved: " + (answer.message || "please try again."));
        }
      })
      .catch(function () {
        dirty = true;
        say("Not saved: the server could not be reached. Your text is still on this page.");
      })
      .then(function () {
        busy = null;
        if (again) {
          again = false;
          save(false);
        }
      });
  }

  function typed(event) {
    if (event.target.form !== form) {
      return;
    }
    dirty = true;
    clearTimeout(timer);
    timer = setTimeout(function () {
      save(false);
    }, DELAY);
  }

  form.addEventListener("input", typed);
  form.addEventListener("change", typed);
  form.addEventListener("submit", function (event) {
    clearTimeout(timer);
    if (busy && event.submitter && event.submitter.form === form) {
      // Let the autosave answer first: its new version goes into the form, so this save is
      // not taken for a conflict with the autosave itself.
      event.preventDefault();
      var submitter = event.submitter;
      busy.then(function () {
        again = false;
        form.requestSubmit(submitter);
      });
      return;
    }
    submitting = true;
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      save(true);
    }
  });
  window.addEventListener("pagehide", function () {
    save(true);
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      submitting = false; // back from the browser's page cache
    }
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty && !submitting) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
