// 「只看错题」 without a reload: hide items answered right (and sections left empty). The
// link still works without script (?only=wrong, filtered by the server).
(function () {
  var toggle = document.querySelector("a[data-only-wrong]");
  if (!toggle) return;
  var state = document.getElementById("filter-state");
  function apply(on) {
    document.querySelectorAll(".result-item").forEach(function (item) {
      var kind = item.getAttribute("data-outcome");
      item.hidden = on && (kind === "right" || kind === "uncounted");
    });
    document.querySelectorAll(".result-section").forEach(function (section) {
      section.hidden = !section.querySelector(".result-item:not([hidden])");
    });
    toggle.setAttribute("aria-pressed", on ? "true" : "false");
    state.textContent = on ? "只显示错题和部分正确的题。" : "";
    var url = new URL(window.location.href);
    if (on) url.searchParams.set("only", "wrong"); else url.searchParams.delete("only");
    history.replaceState(null, "", url);
  }
  toggle.addEventListener("click", function (event) {
    event.preventDefault();
    apply(toggle.getAttribute("aria-pressed") !== "true");
  });
  if (toggle.getAttribute("aria-pressed") === "true") apply(true);
})();
