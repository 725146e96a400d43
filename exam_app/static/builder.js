// The paper builder: find bank items and tick them into the 固定题 section in order
// (the 题号 box stays the truth, so typed ids still work), and confirm before publishing.
// Without script the filter reloads the page and ticked items are sent as `pick`.
(function () {
  var filter = document.getElementById("picker-filter");
  var results = document.getElementById("picker-results");
  var box = document.querySelector("#fixed-form textarea[name='fixed-question_uids']");
  var list = document.getElementById("picked");
  var labels = {}; // uid -> short stem, learnt from the results shown

  function uids() {
    return box.value.split(/[\s,，、;；]+/).filter(function (u) { return u; });
  }

  function write(ids) {
    box.value = ids.join("\n");
    render();
  }

  function button(text, name, action, disabled) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = text;
    b.setAttribute("aria-label", name);
    b.setAttribute("data-action", action);
    b.disabled = !!disabled;
    return b;
  }

  function render() {
    var ids = uids();
    list.replaceChildren();
    ids.forEach(function (uid, n) {
      var li = document.createElement("li");
      li.setAttribute("data-uid", uid);
      var code = document.createElement("code");
      code.textContent = uid;
      var text = document.createElement("span");
      text.textContent = labels[uid] ? " " + labels[uid] + " " : " ";
      li.appendChild(code);
      li.appendChild(text);
      li.appendChild(button("↑", "上移 " + uid, "up", n === 0));
      li.appendChild(button("↓", "下移 " + uid, "down", n === ids.length - 1));
      li.appendChild(button("移除", "移除 " + uid, "remove"));
      list.appendChild(li);
    });
    document.getElementById("picked-wrap").hidden = ids.length === 0;
    document.getElementById("picked-count").textContent = "共 " + ids.length + " 题";
    if (results) {
      results.querySelectorAll("input[name=pick]").forEach(function (tick) {
        tick.checked = ids.indexOf(tick.value) !== -1;
      });
    }
  }

  function learn() {
    results.querySelectorAll("input[name=pick]").forEach(function (tick) {
      labels[tick.value] = tick.getAttribute("data-label");
    });
    render();
  }

  if (box && list) {
    box.addEventListener("input", render);
    list.addEventListener("click", function (event) {
      var b = event.target.closest("button[data-action]");
      if (!b) return;
      var ids = uids();
      var n = ids.indexOf(b.closest("li").getAttribute("data-uid"));
      var action = b.getAttribute("data-action");
      if (action === "remove") ids.splice(n, 1);
      else {
        var to = action === "up" ? n - 1 : n + 1;
        ids.splice(to, 0, ids.splice(n, 1)[0]);
      }
      write(ids);
      var again = list.querySelector("li[data-uid='" + CSS.escape(b.closest("li").getAttribute("data-uid")) + "'] button[data-action='" + action + "']");
      if (again && !again.disabled) again.focus();
    });
  }

  if (filter && results && box) {
    results.addEventListener("change", function (event) {
      var tick = event.target;
      if (tick.name !== "pick") return;
      var ids = uids().filter(function (u) { return u !== tick.value; });
      if (tick.checked) ids.push(tick.value);
      write(ids);
    });
    var pending = null;
    function search() {
      var query = new URLSearchParams(new FormData(filter)).toString();
      fetch(filter.getAttribute("data-partial") + "?" + query, { headers: { Accept: "text/html" } })
        .then(function (r) {
          if (!r.ok) throw new Error(r.status);
          return r.text();
        })
        .then(function (html) {
          results.innerHTML = html; // our own server's template, escaped there
          learn();
        })
        .catch(function () {
          results.textContent = "查找失败，请稍后重试。";
        });
    }
    filter.addEventListener("submit", function (event) {
      event.preventDefault();
      search();
    });
    filter.addEventListener("change", search);
    filter.querySelector("input[name=q]").addEventListener("input", function () {
      clearTimeout(pending);
      pending = setTimeout(search, 300);
    });
    learn();
  }

  // Publishing: a dialog of the page says what publishing freezes; only its button sends.
  document.querySelectorAll("button[data-confirm]").forEach(function (trigger) {
    var dialog = document.getElementById(trigger.getAttribute("data-confirm"));
    if (!dialog || !dialog.showModal) return;
    trigger.addEventListener("click", function (event) {
      event.preventDefault();
      dialog.showModal();
    });
    dialog.querySelector("[data-close]").addEventListener("click", function () { dialog.close(); });
  });
})();
