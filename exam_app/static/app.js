// Behaviour shared by every page, kept out of the HTML so the CSP can forbid inline script.
(function () {
  // <select data-autosubmit>: choosing a filter submits its form (the button stays for no-JS).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // <button data-print>: open the browser's print dialog.
  document.querySelectorAll("button[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  // Tables stack into one card per row on a phone (CSS: table.stack): each cell is labelled
  // with its column's header here, so no page scrolls sideways at 390 px.
  document.querySelectorAll("main table").forEach(function (table) {
    if (table.classList.contains("stack") || table.hasAttribute("data-no-stack") || table.closest("#attempt") || !table.tHead) return;
    var heads = Array.prototype.map.call(table.tHead.rows[0].cells, function (th) {
      return th.textContent.trim();
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        Array.prototype.forEach.call(row.cells, function (cell, n) {
          if (heads[n] && !cell.hasAttribute("data-label") && cell.colSpan === 1) {
            cell.setAttribute("data-label", heads[n]);
          }
        });
      });
    });
    table.classList.add("stack");
  });
})();
