// The library page: "select all on this page" and the count of ticked rows for the export form,
// "everything matching this search" (which makes the row boxes moot), and the download menus.
// Without this file the page still works: each row has its own checkbox, the "everything" box
// is read by the server, and each menu is a <details> disclosure that opens with a click,
// Enter or Space.
(function () {
  "use strict";

  const form = document.getElementById("export-form");
  const box = document.querySelector(".library-select-all");
  const all = document.getElementById("select-all");
  const count = document.getElementById("selection-count");
  const everything = document.getElementById("id_everything");
  if (form && box && all && count) {
    // Only the rows of this page: the checkboxes are in this form, the other pages are not here.
    const rows = Array.from(form.querySelectorAll("input.library-row-select"));

    const update = function () {
      const ticked = rows.filter(function (row) { return row.checked; }).length;
      const wholeSearch = Boolean(everything && everything.checked);
      // With "everything" ticked the server ignores the rows: say so, and lock them.
      rows.forEach(function (row) { row.disabled = wholeSearch; });
      all.disabled = wholeSearch;
      all.checked = ticked === rows.length;
      all.indeterminate = ticked > 0 && ticked < rows.length;
      count.textContent = wholeSearch
        ? "Everything matching this search will be exported"
        : ticked + " of " + rows.length + " on this page selected";
    };

    all.addEventListener("change", function () {
      rows.forEach(function (row) { row.checked = all.checked; });
      update();
    });
    rows.forEach(function (row) { row.addEventListener("change", update); });
    if (everything) everything.addEventListener("change", update);
    update();  // before it is shown, so the live region does not read out the first count
    box.hidden = false;
  }

  // Escape closes the open download menu and puts the focus back on its button.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    const menu = document.activeElement && document.activeElement.closest("details.download-menu[open]");
    if (!menu) return;
    menu.open = false;
    menu.querySelector("summary").focus();
  });

  // One menu open at a time, so a phone's screen is not filled with format lists.
  document.querySelectorAll("details.download-menu").forEach(function (menu) {
    menu.addEventListener("toggle", function () {
      if (!menu.open) return;
      document.querySelectorAll("details.download-menu[open]").forEach(function (other) {
        if (other !== menu) other.open = false;
      });
    });
  });
})();
