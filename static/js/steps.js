/* The wizard's step forms: focus the error summary, reorder rows (buttons and drag), add rows
   one at a time, and show salary amounts with thousands separators. Without this file every
   step still works: order numbers, an "Add another" button that saves and comes back. */
(function () {
  "use strict";

  var form = document.querySelector("form.wizard-form");
  if (!form) {
    return;
  }

  // --- error summary: focused on load; its links focus their field -------------------------
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a.error-link");
      if (!link) {
        return;
      }
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (!target) {
        return;
      }
      event.preventDefault();
      var closed = target.closest("details:not([open])");
      if (closed) {
        closed.open = true;
      }
      target.focus();
      target.scrollIntoView({ block: "center" });
    });
  }

  // --- reordering --------------------------------------------------------------------------
  function rowsOf(list) {
    return Array.prototype.filter.call(list.children, function (el) {
      return el.hasAttribute("data-row");
    });
  }

  function rowName(row) {
    var text = row.querySelector("input[type=text][name$='-text']");
    if (text) {
      return text.value.trim() ? "“" + text.value.trim() + "”" : "your responsibility";
    }
    var label = row.querySelector(".row-name");
    return label ? "“" + label.textContent.trim() + "”" : "the row";
  }

  function renumber(list) {
    rowsOf(list).forEach(function (row, index) {
      var order = row.querySelector(".order-input");
      if (order) {
        order.value = String(index + 1);
      }
    });
  }

  // Tell the live preview and autosave (they listen on the form) that the order changed.
  function changed(list) {
    list.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function announce(list, row) {
    var status = document.getElementById("move-status");
    var rows = rowsOf(list);
    if (status) {
      status.textContent =
        "Moved " + rowName(row) + " to position " + (rows.indexOf(row) + 1) + " of " + rows.length + ".";
    }
  }

  function move(list, row, delta) {
    var rows = rowsOf(list);
    var index = rows.indexOf(row);
    var target = index + delta;
    if (target < 0 || target >= rows.length) {
      return false;
    }
    if (delta < 0) {
      list.insertBefore(row, rows[target]);
    } else {
      list.insertBefore(row, rows[target].nextSibling);
    }
    renumber(list);
    announce(list, row);
    changed(list);
    return true;
  }

  function enableMoves(row) {
    var controls = row.querySelector(".row-move");
    if (controls) {
      controls.hidden = false;
    }
    var order = row.querySelector(".row-order");
    if (order) {
      order.hidden = true;
    }
  }

  document.querySelectorAll("[data-reorder]").forEach(function (list) {
    document.querySelectorAll("[data-no-js-help]").forEach(function (el) {
      el.hidden = true;
    });
    document.querySelectorAll("[data-js-help]").forEach(function (el) {
      el.hidden = false;
    });
    rowsOf(list).forEach(enableMoves);
    renumber(list);

    // A custom row's buttons are named after what is typed in it.
    list.addEventListener("input", function (event) {
      var row = event.target.closest && event.target.closest("[data-custom]");
      if (!row || !event.target.matches("input[type=text][name$='-text']")) {
        return;
      }
      var name = rowName(row);
      var up = row.querySelector(".move-up");
      var down = row.querySelector(".move-down");
      if (up && down) {
        up.setAttribute("aria-label", "Move up: " + name);
        down.setAttribute("aria-label", "Move down: " + name);
      }
    });

    list.addEventListener("click", function (event) {
      var button = event.target.closest(".move-up, .move-down");
      if (!button) {
        return;
      }
      var row = button.closest("[data-row]");
      var up = button.classList.contains("move-up");
      move(list, row, up ? -1 : 1);
      // Keep the focus on the same button, now in the row's new place.
      button.focus();
    });

    // Drag and drop by the handle (HTML5), for a pointer.
    var dragged = null;
    list.addEventListener("dragstart", function (event) {
      if (!event.target.classList || !event.target.classList.contains("drag-handle")) {
        return;
      }
      dragged = event.target.closest("[data-row]");
      dragged.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", "");
      event.dataTransfer.setDragImage(dragged, 10, 10);
    });
    list.addEventListener("dragover", function (event) {
      if (!dragged) {
        return;
      }
      var over = event.target.closest && event.target.closest("[data-row]");
      event.preventDefault();
      if (!over || over === dragged) {
        return;
      }
      var box = over.getBoundingClientRect();
      var after = event.clientY > box.top + box.height / 2;
      list.insertBefore(dragged, after ? over.nextSibling : over);
    });
    list.addEventListener("drop", function (event) {
      event.preventDefault();
    });
    list.addEventListener("dragend", function () {
      if (!dragged) {
        return;
      }
      dragged.classList.remove("dragging");
      renumber(list);
      announce(list, dragged);
      changed(list);
      dragged = null;
    });
  });

  // --- adding rows one at a time -----------------------------------------------------------
  document.querySelectorAll("button[data-add-row]").forEach(function (button) {
    var listId = button.getAttribute("data-add-row");
    var list = document.getElementById(listId);
    var template = document.getElementById(listId + "-template");
    var slot = document.querySelector("[data-add-slot='" + listId + "']");
    var total = form.querySelector("input[name$='-TOTAL_FORMS']");
    if (!list || !template || !total) {
      return;
    }
    var cap = parseInt(list.getAttribute("data-cap"), 10) || 10;
    var fallback = button.closest(".add-row-fallback");
    button.type = "button";
    button.removeAttribute("name");
    button.removeAttribute("form");
    if (slot) {
      slot.appendChild(button);
    }
    if (fallback) {
      fallback.remove();
    }
    function added() {
      return list.querySelectorAll("[data-custom]").length;
    }
    function update() {
      button.hidden = added() >= cap;
    }
    button.addEventListener("click", function () {
      if (added() >= cap) {
        return;
      }
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      var holder = document.createElement("div");
      holder.innerHTML = html.trim();
      var row = holder.firstElementChild;
      list.appendChild(row);
      total.value = String(index + 1);
      if (list.hasAttribute("data-reorder")) {
        enableMoves(row);
        renumber(list);
      }
      update();
      changed(list);
      var first = row.querySelector("input[type=text], select");
      if (first) {
        first.focus();
      }
    });
    update();
  });

  // --- salary amounts: thousands separators on blur ----------------------------------------
  form.querySelectorAll("input.amount-input").forEach(function (input) {
    input.addEventListener("blur", function () {
      var raw = input.value.replace(/[,\s\u00a0\u202f]/g, "");
      if (!/^\d+(\.\d{1,2})?$/.test(raw)) {
        return; // leave what was typed: the form says what is wrong
      }
      var parts = raw.split(".");
      var whole = parts[0].replace(/^0+(?=\d)/, "").replace(/\B(?=(\d{3})+(?!\d))/g, ",");
      input.value = parts.length > 1 ? whole + "." + parts[1] : whole;
    });
  });
})();
