// The item form shows only the parts that the chosen kind uses; without script all are shown.
(function () {
  var kind = document.querySelector(".item-form select[name=kind]");
  if (!kind) return;
  function show() {
    document.querySelectorAll(".item-form [data-kinds]").forEach(function (part) {
      part.hidden = part.getAttribute("data-kinds").split(" ").indexOf(kind.value) === -1;
    });
  }
  kind.addEventListener("change", show);
  show();
})();
