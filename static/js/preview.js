// The wizard's live preview, the links from findings to their fields, and Enter.
//
// - A step page whose preview was not cached has a placeholder (data-preview-load): it is
//   filled at once with one GET of the preview URL, which builds and caches the region.
// - Typing in the step's form (input/change) refreshes the preview 400 ms after the last key:
//   the form is POSTed as it is to the preview URL (data-preview-url), which saves nothing, and
//   the preview region's contents are replaced. Only the newest request's answer is applied.
//   Focus and scroll stay where they are; a polite status says "Preview updated", not the text.
// - A finding's link to a field of this step focuses the field without reloading and selects
//   the words it names; a link to another step opens it (the page focuses the field, and this
//   script selects the words it was asked to).
// - Enter in a one-line field presses "Save and continue", whichever buttons a step adds.
(function () {
  "use strict";

  var form = document.querySelector("form.wizard-form");
  var region = document.getElementById("jd-preview");
  if (!form || !region) {
    return;
  }
  var body = document.getElementById("preview-body");
  var status = document.getElementById("preview-status");
  var url = region.getAttribute("data-preview-url");
  var SELECT_KEY = "jd-preview-select";
  var DELAY = 400;
  var timer = null;
  var latest = 0;

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  // GET (no body): the region as saved; POST (the form as typed): the live preview.
  function refresh(options) {
    var id = ++latest;
    var scrollX = window.scrollX;
    var scrollY = window.scrollY;
    var loading = options && options.load;
    var request = { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } };
    if (!loading) {
      request.method = "POST";
      // URL-encoded, as a plain submit of the form: cheaper for the server than multipart.
      request.body = new URLSearchParams(new FormData(form));
    }
    fetch(loading ? options.load : url, request)
      .then(function (response) {
        if (!response.ok || response.redirected) {
          throw new Error("status " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        if (id !== latest) {
          return; // a newer request was sent: its answer wins
        }
        var regionScroll = region.scrollTop;
        // Focus inside the preview (on a finding's link) moves to the same link in the new one.
        var focused = body.contains(document.activeElement) ? document.activeElement : null;
        var focusedAt = focused ? Array.prototype.indexOf.call(body.querySelectorAll("a"), focused) : -1;
        var doc = new DOMParser().parseFromString(html, "text/html");
        body.replaceChildren.apply(body, Array.prototype.slice.call(doc.body.childNodes));
        var again = focusedAt >= 0 ? body.querySelectorAll("a")[focusedAt] : null;
        if (again) {
          again.focus({ preventScroll: true });
        } else if (focused) {
          region.focus({ preventScroll: true });
        }
        region.scrollTop = regionScroll;
        window.scrollTo(scrollX, scrollY);
        body.removeAttribute("data-preview-load");
        if (!loading) {
          say("Preview updated.");
        }
      })
      .catch(function () {
        if (id === latest) {
          say(
            loading
              ? "The preview could not be loaded; reload the page to try again."
              : "The preview could not be updated; it will update when you save."
          );
        }
      });
  }

  var placeholder = body.getAttribute("data-preview-load");
  if (placeholder) {
    refresh({ load: placeholder });
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, DELAY); // called with no argument: a live POST
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);

  // --- findings' links ---------------------------------------------------------------------

  function fieldNamed(name) {
    if (!name) {
      return null;
    }
    return (
      document.getElementById("id_" + name) ||
      form.querySelector('[name="' + (window.CSS && CSS.escape ? CSS.escape(name) : name) + '"]')
    );
  }

  function focusField(field, words) {
    field.focus();
    if (typeof field.scrollIntoView === "function") {
      field.scrollIntoView({ block: "center" });
    }
    var selectable =
      words &&
      typeof field.setSelectionRange === "function" &&
      typeof field.value === "string" &&
      /^(textarea|text|search|url|email|tel)$/.test(field.type || "textarea");
    if (selectable) {
      var at = field.value.indexOf(words);
      if (at < 0) {
        at = field.value.toLowerCase().indexOf(words.toLowerCase());
      }
      if (at >= 0) {
        field.setSelectionRange(at, at + words.length);
      }
    }
  }

  region.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a.finding-link") : null;
    if (!link) {
      return;
    }
    var target = new URL(link.href, window.location.href);
    var name = link.getAttribute("data-focus");
    var words = link.getAttribute("data-select") || "";
    if (target.pathname === window.location.pathname) {
      var anchored = document.getElementById(target.hash.slice(1));
      var field = anchored && anchored.name === name ? anchored : fieldNamed(name);
      if (field) {
        event.preventDefault();
        focusField(field, words);
      }
    } else if (words) {
      try {
        window.sessionStorage.setItem(SELECT_KEY, JSON.stringify({ name: name, words: words }));
      } catch (error) {
        // Storage refused (private mode): the field is still focused, without the selection.
      }
    }
  });

  // Opened from a finding's link on another step: focus the field and select the words.
  var focusName = new URLSearchParams(window.location.search).get("focus");
  if (focusName) {
    var anchored = window.location.hash ? document.getElementById(window.location.hash.slice(1)) : null;
    var field = anchored && anchored.name === focusName ? anchored : fieldNamed(focusName);
    var words = "";
    try {
      var wanted = JSON.parse(window.sessionStorage.getItem(SELECT_KEY) || "null");
      window.sessionStorage.removeItem(SELECT_KEY);
      if (wanted && wanted.name === focusName) {
        words = wanted.words;
      }
    } catch (error) {
      words = "";
    }
    if (field) {
      focusField(field, words);
    }
  }

  // --- Enter -------------------------------------------------------------------------------

  var NOT_TEXT = /^(button|submit|reset|image|checkbox|radio|file|range|color)$/;
  form.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.isComposing || event.defaultPrevented) {
      return;
    }
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || NOT_TEXT.test(input.type)) {
      return;
    }
    var save = form.querySelector("[data-default-submit]");
    if (save && typeof form.requestSubmit === "function") {
      event.preventDefault();
      form.requestSubmit(save);
    }
  });
})();
