// Rubric marking: a running total as marks are entered; a total over the item's full marks
// (or a mark outside its criterion's range) is refused here before sending. The server
// checks the same again. A criterion marked by levels (评分档次) is a group of radio buttons
// whose values are the levels' points: the chosen one counts, none chosen is not yet marked.
(function () {
  document.querySelectorAll("form[data-full-marks]").forEach(function (form) {
    var full = Number(form.getAttribute("data-full-marks"));
    var inputs = form.querySelectorAll("table.rubric input[type=number]");
    var groups = form.querySelectorAll("table.rubric fieldset.levels");
    var sum = form.querySelector("[data-rubric-sum]");
    var left = form.querySelector("[data-rubric-left]");
    var warning = form.querySelector("[data-rubric-warning]");
    if (!sum || !(inputs.length || groups.length)) return;
    sum.parentNode.hidden = false; // shown only where it can be kept right
    var last = inputs.length ? inputs[inputs.length - 1] : groups[groups.length - 1].querySelector("input");

    function round(x) { return Math.round(x * 100) / 100; }

    function check() {
      var total = 0, blank = 0, bad = "";
      inputs.forEach(function (input) {
        input.setCustomValidity("");
        if (input.value.trim() === "") { blank += 1; return; }
        var value = Number(input.value);
        var max = Number(input.max);
        if (isNaN(value) || value < 0 || value > max) {
          bad = bad || "「" + input.getAttribute("aria-label").replace(/得分$/, "") + "」应在 0–" + input.max + " 分之间。";
          input.setCustomValidity(bad);
        }
        if (!isNaN(value)) total += value;
      });
      groups.forEach(function (group) {
        var chosen = group.querySelector("input[type=radio]:checked");
        if (chosen) { total += Number(chosen.value); } else { blank += 1; }
      });
      total = round(total);
      sum.textContent = total;
      last.setCustomValidity("");
      if (!bad && total > full) {
        bad = "合计 " + total + " 分超过本题满分 " + full + " 分，请检查各项得分。";
        last.setCustomValidity(bad);
      }
      left.textContent = blank ? "（还有 " + blank + " 项未评）" : "";
      warning.textContent = bad;
      form.classList.toggle("over", !!bad);
      return !bad;
    }

    inputs.forEach(function (input) { input.addEventListener("input", check); });
    groups.forEach(function (group) { group.addEventListener("change", check); });
    form.addEventListener("submit", function (event) {
      if (!check()) {
        event.preventDefault();
        warning.focus();
      }
    });
    check();
  });
})();
