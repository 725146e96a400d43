// 考试须知 before the window opens (the waiting room): count down by the server's clock and
// wake 开始作答 at zero, so nobody reloads 「我的考试」 in the opening minute. The button
// is enabled in the HTML (no script: pressing early is answered by the server, back here).
(function () {
  const box = document.getElementById("waiting");
  if (!box) return;
  const shown = document.getElementById("opens-countdown");
  const button = document.getElementById("start-button");
  let opensAt = performance.now() + Number(box.dataset.opensIn) * 1000;
  button.disabled = true;
  button.title = "开考后即可点击";

  function clock(left) {
    const days = Math.floor(left / 86400);
    const h = Math.floor(left % 86400 / 3600), m = Math.floor(left % 3600 / 60), s = left % 60;
    const two = (n) => String(n).padStart(2, "0");
    if (days) return days + " 天 " + two(h) + ":" + two(m) + ":" + two(s);
    return (h ? h + ":" : "") + two(m) + ":" + two(s);
  }
  function tick() {
    const left = Math.ceil((opensAt - performance.now()) / 1000);
    if (left > 0) { shown.textContent = clock(left); return; }
    clearInterval(timer);
    clearInterval(sync);
    box.hidden = true;
    document.getElementById("opened").hidden = false;
    button.disabled = false;
    button.removeAttribute("title");
    button.focus();
  }
  // The server's clock, every four minutes: corrects this page's drift (a laptop that slept)
  // and keeps a long wait from ending the sign-in, which idles out after 30 minutes.
  function resync() {
    fetch(box.dataset.clockUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then((r) => r.json())
      .then((data) => { if (typeof data.opens_in === "number") opensAt = performance.now() + data.opens_in * 1000; tick(); })
      .catch(() => {});
  }
  const timer = setInterval(tick, 250);
  const sync = setInterval(resync, 240000);
  tick();
})();
