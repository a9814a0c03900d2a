/* The posting step: when the department or office changes, fetch what the organization offers
   there (jdbuilder/wizard/offer.py) and fill it in.

   - A block-backed text (about the company and team, benefits, equal-opportunity statement, how
     to apply) and the location are replaced only when the manager has not edited them since
     they were filled: each keeps the text last offered in data-offered, and a field that still
     says it (or is empty) takes the new text. An edited text is kept, and the status says so.
   - The band panel shows the band for the new office; "Use the band" fills the salary fields.
   - Every change is followed by an `input` event, so the live preview and autosave see it.
   Without this file the step still works: saving it with another office does the same
   (jdbuilder.organization.blocks.follow_place). */
(function () {
  "use strict";

  var form = document.querySelector("form.wizard-form");
  var holder = document.querySelector("[data-posting-offer]");
  if (!form || !holder) {
    return;
  }
  var url = holder.getAttribute("data-posting-offer");
  var status = document.getElementById("posting-offer-status");
  var department = form.querySelector("[name='posting-department']");
  var office = form.querySelector("[name='posting-office']");
  var bandText = document.getElementById("band-text");
  var useBand = document.getElementById("use-band");
  var NO_BAND = "No pay band is set for this role, seniority and office.";
  var latest = 0;

  function control(name) {
    return form.querySelector("[name='posting-" + name + "']");
  }

  function plain(text) {
    return (text || "").replace(/\r\n/g, "\n").trim();
  }

  function labelOf(el) {
    var label = el.id ? document.querySelector("label[for='" + el.id + "']") : null;
    return label ? label.textContent.trim() : el.name;
  }

  function changed(el) {
    el.dispatchEvent(new Event("input", { bubbles: true }));
    el.dispatchEvent(new Event("change", { bubbles: true }));
  }

  // Replace `el`'s text with `text` if it was left as last offered; true if replaced, false if
  // kept because edited, null if nothing changes.
  function offerText(el, text) {
    var offered = el.getAttribute("data-offered") || "";
    if (plain(el.value) && plain(el.value) !== plain(offered)) {
      return plain(el.value) === plain(text) ? null : false;
    }
    el.setAttribute("data-offered", text);
    if (plain(el.value) === plain(text)) {
      return null;
    }
    el.value = text;
    changed(el);
    return true;
  }

  function showBand(band) {
    if (!bandText) {
      return; // this user is not shown bands
    }
    if (!band) {
      bandText.textContent = NO_BAND;
      if (useBand) {
        useBand.hidden = true;
      }
      return;
    }
    bandText.textContent = "Pay band for " + band.scope + ": " + band.text;
    if (useBand) {
      useBand.setAttribute("data-minimum", band.minimum);
      useBand.setAttribute("data-maximum", band.maximum);
      useBand.setAttribute("data-currency", band.currency);
      useBand.setAttribute("data-period", band.period);
      useBand.hidden = false;
    }
  }

  function apply(data) {
    var updated = 0;
    var kept = [];
    Object.keys(data.fields || {}).forEach(function (name) {
      var el = control(name);
      if (!el) {
        return;
      }
      var result = offerText(el, data.fields[name]);
      if (result === false) {
        kept.push(labelOf(el));
        return;
      }
      if (result) {
        updated += 1;
      }
      var note = document.querySelector("[data-block-note='" + name + "']");
      if (note && data.notes && data.notes[name]) {
        note.textContent = data.notes[name];
        note.hidden = false;
      }
    });
    var location = control("location");
    if (location && data.location) {
      var moved = offerText(location, data.location);
      if (moved === false) {
        kept.push(labelOf(location));
      } else if (moved) {
        updated += 1;
      }
    }
    showBand(data.band);
    var place = data.office_name || data.department_name || "the company";
    var words = updated ? "Texts updated for " + place + "." : "No texts changed for " + place + ".";
    if (kept.length) {
      words += " Kept your own text in: " + kept.join(", ") + ".";
    }
    if (status) {
      status.textContent = words;
    }
  }

  function fetchOffer() {
    var id = ++latest;
    var query = new URLSearchParams({
      department: department ? department.value : "",
      office: office ? office.value : "",
    });
    fetch(url + "?" + query.toString(), {
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-Requested-With": "fetch" },
    })
      .then(function (response) {
        if (!response.ok || response.redirected) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        if (id === latest) {
          apply(data); // an older answer never overwrites a newer choice's
        }
      })
      .catch(function () {
        if (id === latest && status) {
          status.textContent = "The texts for this choice could not be loaded; save the step to fill them in.";
        }
      });
  }

  [department, office].forEach(function (select) {
    if (select) {
      select.addEventListener("change", fetchOffer);
    }
  });

  if (useBand) {
    useBand.hidden = !useBand.hasAttribute("data-minimum");
    useBand.addEventListener("click", function () {
      var values = {
        salary_min: useBand.getAttribute("data-minimum"),
        salary_max: useBand.getAttribute("data-maximum"),
        salary_currency: useBand.getAttribute("data-currency"),
        salary_period: useBand.getAttribute("data-period"),
      };
      Object.keys(values).forEach(function (name) {
        var el = control(name);
        if (el && values[name] !== null) {
          el.value = values[name];
          changed(el);
        }
      });
      if (status) {
        status.textContent = "Salary set to the band: " + (bandText ? bandText.textContent : "");
      }
    });
  }
})();
