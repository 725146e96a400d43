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
})();
