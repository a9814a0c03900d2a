// A background job's progress, kept current while the page is open.
//
// The page has <div data-job-status-url="..."> with a <progress> and [data-job-stage] inside;
// the URL answers JSON {status, finished, percent, done, total, stage}. Polled every second;
// when the job has finished, the page is loaded again to show its result (a download link or
// the error). Without JavaScript, the page refreshes itself instead (a <noscript> meta refresh).
(function () {
  "use strict";

  var box = document.querySelector("[data-job-status-url]");
  if (!box) {
    return;
  }
  var url = box.getAttribute("data-job-status-url");
  var bar = box.querySelector("progress");
  var stage = box.querySelector("[data-job-stage]");
  var INTERVAL = 1000;

  function show(state) {
    if (bar && state.total) {
      bar.max = 100;
      bar.value = state.percent;
      bar.textContent = state.percent + "%";
    }
    if (stage) {
      stage.textContent = state.stage || state.status_label || "";
    }
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(function (state) {
        show(state);
        if (state.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, INTERVAL);
        }
      })
      .catch(function () {
        window.setTimeout(poll, INTERVAL * 5);
      });
  }

  window.setTimeout(poll, INTERVAL);
})();
