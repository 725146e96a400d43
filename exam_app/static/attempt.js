// Autosave for the attempt page. Every answer goes to the server as it is given; until
// the server confirms it, it is kept in localStorage, so a dropped network, a closed tab
// or a reload loses nothing. "已保存" is shown only after the server said so.
(function () {
  "use strict";
  const root = document.getElementById("attempt");
  if (!root) return;
  const saveUrl = root.dataset.saveUrl;
  // 开始作答 answers with this page itself (no redirect at the rush): show the attempt's own
  // address, so a reload or a bookmark reads the page instead of posting the start again.
  if (root.dataset.pageUrl && window.location.pathname !== root.dataset.pageUrl) {
    window.history.replaceState(null, "", root.dataset.pageUrl);
  }
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

  function flagged(fs) {
    const button = fs.querySelector("button.flag");
    return !!button && button.getAttribute("aria-pressed") === "true";
  }

  function setText(id, text) { const el = document.getElementById(id); if (el) el.textContent = text; }

  // The 答题卡: each link says answered or not and flagged or not, in its colour and in words.
  function refreshCard() {
    let done = 0, marked = 0;
    fieldsets.forEach((fs) => {
      const isDone = answered(fs), isFlagged = flagged(fs);
      done += isDone ? 1 : 0; marked += isFlagged ? 1 : 0;
      const link = document.querySelector('[data-nav="' + fs.dataset.position + '"]');
      if (!link) return;
      link.classList.toggle("answered", isDone);
      link.classList.toggle("flagged", isFlagged);
      link.setAttribute("aria-label", "第 " + fs.dataset.position + " 题，" + (isDone ? "已答" : "未答") + (isFlagged ? "，已标记" : ""));
    });
    document.getElementById("answered").textContent = done;
    document.getElementById("progress").value = done;
    setText("card-answered", done);
    setText("card-open", fieldsets.length - done);
    setText("card-flagged", marked);
    setText("toggle-answered", done);
    setText("toggle-flagged", marked ? " · 标记 " + marked : "");
    document.querySelectorAll(".choice-note").forEach((note) => {
      const n = fieldsets.filter((fs) => fs.dataset.section === note.dataset.section && answered(fs)).length;
      note.querySelector(".choice-count").textContent = n;
      note.classList.toggle("error", n > Number(note.dataset.choose));
      const navNote = document.querySelector('.nav-section[data-section="' + note.dataset.section + '"] .nav-choice');
      if (navNote) navNote.textContent = "任选 " + note.dataset.choose + " 题，已答 " + n;
    });
  }

  function refreshBar() {
    refreshCard();
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
      refreshCard();
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

  // 交卷: a dialog of the page counts what is really missing (in a 「12 题任选 5 题」 section,
  // five answered is complete) and lists the flagged items, before anything is sent.
  const dialog = document.getElementById("submit-dialog");
  const unsaved = document.getElementById("submit-unsaved");
  let submitting = false;
  function setBusy(on) {
    document.getElementById("submit-button").disabled = on;
    document.getElementById("submit-confirm").disabled = on;
  }
  async function submitNow() {
    if (submitting) return;
    submitting = true;
    setBusy(true);
    if (!(await flushAll())) {
      submitting = false;
      setBusy(false);
      unsaved.textContent = "有 " + Object.keys(pending).length + " 题答案尚未保存到服务器，请等待网络恢复后再交卷。";
      unsaved.hidden = false;
      if (!dialog.open) dialog.showModal();
      return;
    }
    localStorage.removeItem(storeKey);
    form.submit();
  }

  function sectionTitle(section) {
    const h = root.querySelector('h2.section-title[data-section="' + section + '"]');
    return h ? h.textContent : "";
  }

  function jumpList(positions) {
    return "第 " + positions.map((p) => '<a href="#q' + p + '" data-jump="' + p + '">' + p + "</a>").join("、") + " 题";
  }

  // What is missing, per section: every unanswered item, or in a choice section the
  // answers still short of the number to choose.
  function missingBySection() {
    const sections = new Map();
    fieldsets.forEach((fs) => {
      const key = fs.dataset.section;
      if (!sections.has(key)) sections.set(key, { items: [], done: 0 });
      const entry = sections.get(key);
      entry.items.push(fs);
      if (answered(fs)) entry.done += 1;
    });
    const lines = [];
    let toAnswer = 0, done = 0;
    sections.forEach((entry, key) => {
      const note = root.querySelector('.choice-note[data-section="' + key + '"]');
      const title = sectionTitle(key);
      if (note) {
        const k = Number(note.dataset.choose);
        toAnswer += k; done += Math.min(entry.done, k);
        if (entry.done < k) {
          lines.push({ title: title, text: "任选 " + k + " 题，已答 " + entry.done + " 题，还需作答 " + (k - entry.done) + " 题" });
        } else if (entry.done > k) {
          lines.push({ title: title, text: "任选 " + k + " 题，已答 " + entry.done + " 题：只计题号在前的 " + k + " 题", extra: true });
        }
      } else {
        toAnswer += entry.items.length; done += entry.done;
        const open = entry.items.filter((fs) => !answered(fs)).map((fs) => Number(fs.dataset.position));
        if (open.length) lines.push({ title: title, text: open.length + " 题未作答：", positions: open });
      }
    });
    return { lines: lines, toAnswer: toAnswer, done: done };
  }

  function fillDialog() {
    const m = missingBySection();
    const missing = m.lines.filter((l) => !l.extra);
    const short = m.toAnswer - m.done;
    document.getElementById("submit-summary").textContent = short
      ? "需作答 " + m.toAnswer + " 题，已答 " + m.done + " 题，还有 " + short + " 题未作答。"
      : "需作答的 " + m.toAnswer + " 题都已作答，没有遗漏。";
    const box = document.getElementById("submit-missing");
    box.innerHTML = "";
    if (m.lines.length) {
      const ul = document.createElement("ul");
      m.lines.forEach((l) => {
        const li = document.createElement("li");
        li.innerHTML = "<strong></strong><span></span>" + (l.positions ? jumpList(l.positions) : "");
        li.querySelector("strong").textContent = l.title;
        li.querySelector("span").textContent = " " + l.text;
        if (l.extra) li.className = "muted";
        ul.appendChild(li);
      });
      box.appendChild(ul);
    }
    const marked = fieldsets.filter(flagged).map((fs) => Number(fs.dataset.position));
    document.getElementById("submit-flagged").innerHTML = marked.length
      ? "<p>已标记待检查（" + marked.length + " 题）：" + jumpList(marked) + "</p>"
      : "<p class=\"muted\">没有标记的题。</p>";
    unsaved.hidden = true;
    return missing.length;
  }

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (submitting) return;
    fillDialog();
    if (!dialog.open) dialog.showModal();
  });
  document.getElementById("submit-back").addEventListener("click", () => dialog.close());
  document.getElementById("submit-confirm").addEventListener("click", () => submitNow());
  dialog.addEventListener("click", (ev) => {
    const a = ev.target.closest("a[data-jump]");
    if (a) dialog.close();  // the link then jumps to the item
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
  // Warnings at 15, 5 and 1 minutes left, each once, in a banner read out by screen readers;
  // a page opened later shows the one it is past. The countdown turns amber, then red.
  const alertBox = document.getElementById("time-alert");
  const top = document.getElementById("exam-top");
  const WARNINGS = [900, 300, 60];
  const warned = new Set();
  function warn(left) {
    const due = WARNINGS.filter((t) => left <= t && !warned.has(t));
    if (!due.length || left === 0) return;
    due.forEach((t) => warned.add(t));
    const t = Math.min(...due);
    document.getElementById("time-alert-text").textContent = "还有不到 " + t / 60 +
      " 分钟，请抓紧检查；时间到将自动交卷。";
    alertBox.classList.toggle("critical", t <= 300);
    const before = top.offsetHeight;
    alertBox.hidden = false;
    // The sticky bar grew over what was being read (the browser keeps the content in place):
    // scroll back by as much, so the question read stays below the banner.
    if (window.scrollY > 0) window.scrollBy(0, before - top.offsetHeight);
  }
  document.getElementById("time-alert-close").addEventListener("click", () => { alertBox.hidden = true; });
  const clockBox = cd.closest(".clock");
  function tick() {
    const left = Math.max(0, Math.round((endsAt - performance.now()) / 1000));
    const h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
    cd.textContent = (h ? h + ":" : "") + String(m).padStart(2, "0") + ":" + String(s).padStart(2, "0");
    clockBox.classList.toggle("low", left <= 900 && left > 300);
    clockBox.classList.toggle("critical", left <= 300);
    warn(left);
    if (left === 0) { clearInterval(timer); net.textContent = "时间到，正在交卷…"; submitNow(); }
  }
  const timer = setInterval(tick, 1000);

  // The sticky bar's height, so a question jumped to shows below it (scroll-margin-top).
  function measure() { document.documentElement.style.setProperty("--bar-h", top.offsetHeight + "px"); }
  if (window.ResizeObserver) new ResizeObserver(measure).observe(top);
  measure();

  // On a phone the 答题卡 is a drawer opened from the bar at the bottom.
  const card = document.getElementById("answer-card");
  const toggle = document.getElementById("card-toggle");
  function openCard(on) {
    card.classList.toggle("open", on);
    toggle.setAttribute("aria-expanded", String(on));
  }
  toggle.addEventListener("click", () => openCard(!card.classList.contains("open")));
  document.getElementById("card-close").addEventListener("click", () => openCard(false));
  card.addEventListener("click", (ev) => { if (ev.target.closest("a")) openCard(false); });
  tick();
  refreshBar();
  flushAll();
})();
