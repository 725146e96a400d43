// Autosave for the attempt page. Every answer goes to the server as it is given; until
// the server confirms it, it is kept in localStorage, so a dropped network, a closed tab
// or a reload loses nothing. "已保存" is shown only after the server said so.
(function () {
  "use strict";
  const root = document.getElementById("attempt");
  if (!root) return;
  const saveUrl = root.dataset.saveUrl;
  const storeKey = "exam-pending-" + root.dataset.attempt;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const net = document.getElementById("net");
  const form = document.getElementById("submit-form");
  const fieldsets = Array.from(root.querySelectorAll("fieldset.question"));
  const byPos = new Map(fieldsets.map((fs) => [Number(fs.dataset.position), fs]));
  let pending = {};
  try { pending = JSON.parse(localStorage.getItem(storeKey) || "{}"); } catch (e) { pending = {}; }
  const inflight = new Set();
  const timers = {};
  let lastSeq = 0;
  let offline = false;
  let closed = false;

  // Increasing across tabs and reloads: the server keeps the answer with the highest seq.
  function nextSeq() { lastSeq = Math.max(Date.now(), lastSeq + 1); return lastSeq; }
  function persist() { localStorage.setItem(storeKey, JSON.stringify(pending)); }

  function readResponse(fs) {
    const kind = fs.dataset.kind;
    if (kind === "single") {
      const c = fs.querySelector("input:checked"); return c ? c.value : null;
    }
    if (kind === "tf") {
      const c = fs.querySelector("input:checked"); return c ? c.value === "true" : null;
    }
    if (kind === "multi") {
      return Array.from(fs.querySelectorAll("input:checked")).map((i) => i.value);
    }
    if (kind === "fill") {
      return Array.from(fs.querySelectorAll("input[type=text]")).map((i) => i.value);
    }
    return fs.querySelector("textarea").value;
  }

  function writeResponse(fs, value) {
    const kind = fs.dataset.kind;
    if (kind === "single" || kind === "tf" || kind === "multi") {
      const wanted = kind === "multi" ? (value || []) : [String(value)];
      fs.querySelectorAll("input").forEach((i) => { i.checked = wanted.includes(i.value); });
    } else if (kind === "fill") {
      fs.querySelectorAll("input[type=text]").forEach((i, n) => { i.value = (value || [])[n] || ""; });
    } else {
      fs.querySelector("textarea").value = value || "";
    }
  }

  function answered(fs) {
    const v = readResponse(fs);
    if (Array.isArray(v)) return v.some((x) => String(x).trim() !== "");
    return v !== null && String(v).trim() !== "";
  }

  function setState(fs, text, cls) {
    const el = fs.querySelector(".save-state");
    el.textContent = text;
    el.className = "save-state " + (cls || "");
  }

  function refreshBar() {
    const done = fieldsets.filter(answered);
    document.getElementById("answered").textContent = done.length;
    document.getElementById("progress").value = done.length;
    fieldsets.forEach((fs) => {
      const link = document.querySelector('[data-nav="' + fs.dataset.position + '"]');
      if (link) link.classList.toggle("answered", answered(fs));
    });
    document.querySelectorAll(".choice-note").forEach((note) => {
      const n = fieldsets.filter((fs) => fs.dataset.section === note.dataset.section && answered(fs)).length;
      note.querySelector(".choice-count").textContent = n;
      note.classList.toggle("error", n > Number(note.dataset.choose));
    });
    const waiting = Object.keys(pending).length;
    if (closed) return;
    if (offline) {
      net.textContent = "网络已断开：" + waiting + " 题答案暂存在本机，恢复后自动保存";
      net.className = "net offline";
    } else if (waiting) {
      net.textContent = waiting + " 题正在保存…"; net.className = "net";
    } else {
      net.textContent = "所有答案已保存"; net.className = "net";
    }
  }

  function changed(fs) {
    const pos = Number(fs.dataset.position);
    pending[pos] = { response: readResponse(fs), seq: nextSeq() };
    persist();
    setState(fs, "保存中…", "pending");
    clearTimeout(timers[pos]);
    timers[pos] = setTimeout(() => send(pos), 500);
    refreshBar();
  }

  async function send(pos) {
    const entry = pending[pos];
    if (!entry || inflight.has(pos) || closed) return;
    inflight.add(pos);
    const fs = byPos.get(pos);
    try {
      const r = await fetch(saveUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify({ position: pos, response: entry.response, seq: entry.seq }),
      });
      const data = await r.json().catch(() => ({}));
      offline = false;
      if (r.ok) {
        if (typeof data.remaining === "number") endsAt = performance.now() + data.remaining * 1000;
        if (pending[pos] && pending[pos].seq <= data.seq) { delete pending[pos]; persist(); }
        if (!pending[pos]) setState(fs, "已保存", "saved");
      } else if (r.status === 409) {
        closed = true;
        net.textContent = data.error || "考试已结束。"; net.className = "net offline";
        setTimeout(() => window.location.reload(), 1500);
      } else {
        setState(fs, data.error || "保存失败，稍后自动重试", "error");
      }
    } catch (e) {
      offline = true;  // network down: keep it pending, the retry loop sends it later
      setState(fs, "未保存（网络断开）", "error");
    } finally {
      inflight.delete(pos);
      refreshBar();
    }
  }

  async function flushAll() {
    await Promise.all(Object.keys(pending).map((p) => send(Number(p))));
    return Object.keys(pending).length === 0;
  }

  // Restore what this browser had not yet got onto the server (e.g. before a reload).
  for (const [pos, entry] of Object.entries(pending)) {
    const fs = byPos.get(Number(pos));
    if (!fs || entry.seq <= Number(fs.dataset.seq)) { delete pending[pos]; continue; }
    writeResponse(fs, entry.response);
    setState(fs, "保存中…", "pending");
    lastSeq = Math.max(lastSeq, entry.seq);
  }
  persist();

  fieldsets.forEach((fs) => {
    fs.addEventListener("change", () => changed(fs));
    fs.addEventListener("input", (ev) => { if (ev.target.matches("textarea, input[type=text]")) changed(fs); });
  });
  window.addEventListener("online", () => { offline = false; flushAll(); });

  // Flags for later: kept on the server too, so another browser shows them.
  function postJson(url, payload) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(payload),
    });
  }
  fieldsets.forEach((fs) => {
    const button = fs.querySelector("button.flag");
    if (!button) return;
    button.addEventListener("click", () => {
      const on = button.getAttribute("aria-pressed") !== "true";
      button.setAttribute("aria-pressed", String(on));
      button.textContent = on ? "已标记" : "标记";
      const link = document.querySelector('[data-nav="' + fs.dataset.position + '"]');
      if (link) link.classList.toggle("flagged", on);
      postJson(root.dataset.flagUrl, { position: Number(fs.dataset.position), flagged: on }).catch(() => {});
    });
  });

  // Leaving the page is recorded for the lead; past the paper's limit the server submits.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState !== "hidden" || closed) return;
    postJson(root.dataset.leftUrl, {})
      .then((r) => r.json())
      .then((data) => { if (data.closed) { closed = true; window.location.reload(); } })
      .catch(() => {});
  });
  setInterval(flushAll, 5000);
  window.addEventListener("beforeunload", (ev) => {
    if (Object.keys(pending).length && !closed) { ev.preventDefault(); ev.returnValue = ""; }
  });

  let submitting = false;
  async function submitNow() {
    if (submitting) return;
    submitting = true;
    document.getElementById("submit-button").disabled = true;
    if (!(await flushAll())) {
      submitting = false;
      document.getElementById("submit-button").disabled = false;
      alert("有 " + Object.keys(pending).length + " 题答案尚未保存到服务器，请等待网络恢复后再交卷。");
      return;
    }
    localStorage.removeItem(storeKey);
    form.submit();
  }
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const missing = fieldsets.filter((fs) => !answered(fs)).map((fs) => fs.dataset.position);
    const text = missing.length
      ? "还有 " + missing.length + " 题未作答（第 " + missing.join("、") + " 题）。确定交卷吗？"
      : "确定交卷吗？交卷后不能再修改。";
    if (window.confirm(text)) submitNow();
  });

  // The server owns the clock; this countdown only shows it. At zero the page submits
  // what it has; the server would close the attempt anyway.
  const cd = document.getElementById("countdown");
  let endsAt = performance.now() + Number(cd.dataset.remaining) * 1000;
  function syncClock() {
    fetch(cd.dataset.clockUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then((r) => r.json())
      .then((data) => {
        if (data.status && data.status !== "in_progress") { closed = true; window.location.reload(); return; }
        endsAt = performance.now() + Number(data.remaining) * 1000;
      })
      .catch(() => {});
  }
  setInterval(syncClock, 60000);
  function tick() {
    const left = Math.max(0, Math.round((endsAt - performance.now()) / 1000));
    const h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
    cd.textContent = (h ? h + ":" : "") + String(m).padStart(2, "0") + ":" + String(s).padStart(2, "0");
    if (left === 0) { clearInterval(timer); net.textContent = "时间到，正在交卷…"; submitNow(); }
  }
  const timer = setInterval(tick, 1000);
  tick();
  refreshBar();
  flushAll();
})();
