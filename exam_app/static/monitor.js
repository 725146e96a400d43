// 考试监控: while a sitting is on, ask the server every 10 s where everyone stands and
// update the table in place (no reload, no flicker); time left counts down in between.
(function () {
  var table = document.getElementById("monitor");
  if (!table || table.getAttribute("data-live") !== "1") return;
  var body = table.tBodies[0];
  var state = document.getElementById("monitor-state");
  var EVERY = 10000;
  var heads = Array.prototype.map.call(table.tHead.rows[0].cells, function (th) {
    return th.textContent.trim();
  });

  function clock(seconds) {
    var s = seconds % 60;
    return Math.floor(seconds / 60) + " 分 " + (s < 10 ? "0" : "") + s + " 秒";
  }

  function cell(text, className) {
    var td = document.createElement("td");
    if (className) td.className = className;
    td.textContent = text;
    return td;
  }

  function rowFor(r) {
    var tr = document.createElement("tr");
    tr.setAttribute("data-user", r.user_id);
    tr.className = "state-" + r.state;
    tr.appendChild(cell(r.staff_no));
    tr.appendChild(cell(r.name));
    tr.appendChild(cell(r.department));
    var status = cell("");
    var badge = document.createElement("span");
    badge.className = "badge";
    badge.textContent = r.status_label;
    status.appendChild(badge);
    if (r.auto_submitted) {
      var auto = document.createElement("span");
      auto.className = "muted";
      auto.textContent = " 自动交卷";
      status.appendChild(auto);
    }
    tr.appendChild(status);
    tr.appendChild(cell(r.started || "—"));
    var left = cell(r.seconds_left === null ? "—" : clock(r.seconds_left), "num");
    left.setAttribute("data-left", r.seconds_left === null ? "" : r.seconds_left);
    tr.appendChild(left);
    tr.appendChild(cell(r.answered + " / " + r.item_count));
    tr.appendChild(cell(String(r.tab_switches), r.tab_switches ? "num bad" : "num"));
    Array.prototype.forEach.call(tr.cells, function (td, n) { td.setAttribute("data-label", heads[n]); });
    return tr;
  }

  function show(data) {
    var rows = document.createDocumentFragment();
    data.rows.forEach(function (r) { rows.appendChild(rowFor(r)); });
    if (!data.rows.length) {
      var tr = document.createElement("tr");
      var td = cell("考试名单为空。", "muted");
      td.colSpan = 8;
      tr.appendChild(td);
      rows.appendChild(tr);
    }
    body.replaceChildren(rows);
    Object.keys(data.summary).forEach(function (label) {
      var badge = document.querySelector('[data-summary="' + label + '"]');
      if (badge) badge.textContent = label + " " + data.summary[label];
    });
    var now = new Date();
    state.textContent = (data.live ? "考试进行中，本页每 10 秒自动更新（" : "考试已结束，不再自动更新（")
      + now.toLocaleTimeString("zh-CN", { hour12: false }) + "）。";
    return data.live;
  }

  function poll() {
    if (document.hidden) { timer = setTimeout(poll, EVERY); return; }
    fetch(table.getAttribute("data-source"), { headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.json();
      })
      .then(function (data) {
        if (show(data)) timer = setTimeout(poll, EVERY);
        else clearInterval(ticker);
      })
      .catch(function () {
        state.textContent = "暂时无法更新（网络或登录已失效），稍后自动重试。";
        timer = setTimeout(poll, EVERY);
      });
  }

  // Between two answers from the server, the time left runs down here.
  var ticker = setInterval(function () {
    body.querySelectorAll("td[data-left]").forEach(function (td) {
      var left = td.getAttribute("data-left");
      if (left === "") return;
      left = Math.max(0, Number(left) - 1);
      td.setAttribute("data-left", left);
      td.textContent = clock(left);
    });
  }, 1000);
  var timer = setTimeout(poll, EVERY);
})();
