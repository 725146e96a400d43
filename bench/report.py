"""Write bench/RESULTS.md from bench/results/*.json (kept: the hand-written "## Analysis")."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

BENCH = Path(__file__).resolve().parent
MARK = "## Analysis"


def _row(rows: list[dict], name: str) -> dict | None:
    return next((r for r in rows if r["name"] == name), None)


def _ms(value) -> float | None:
    return None if value in (None, "N/A", "") else float(value)


def targets(info: dict) -> list[tuple[str, str, str, str]]:
    """(target, measured, verdict, note)"""
    out = []
    runs = info["runs"]
    exam = runs["exam"]["rows"]
    rounds = info.get("throughput_rounds")
    if rounds:
        ratios = [r["save_rps"] / r["bare_rps"] if r["bare_rps"] else 0.0 for r in rounds]
        ratio = statistics.median(ratios)
        saves = statistics.median(r["save_rps"] for r in rounds)
        bares = statistics.median(r["bare_rps"] for r in rounds)
        out.append(("autosave ≥ ½ of bare throughput (the median of rounds, each side by side)",
                    f"{ratio:.2f} (rounds {', '.join(f'{x:.2f}' for x in ratios)}; medians "
                    f"{saves:.0f} / {bares:.0f} req/s)", "met" if ratio >= 0.5 else "missed",
                    f"errors {sum(r['errors'] for r in rounds)}"))  # fmt: skip
    elif "BareFlat" in runs:  # result files before the rounds: one phase each
        bare = _row(runs["BareFlat"]["rows"], "bare [throughput]")
        save = _row(runs["SaveFlat"]["rows"], "save [throughput]")
        ratio = save["rps"] / bare["rps"] if bare and save and bare["rps"] else 0
        out.append(("autosave ≥ ½ of bare throughput",
                    f"{save['rps']:.0f} / {bare['rps']:.0f} req/s = {ratio:.2f}",
                    "met" if ratio >= 0.5 else "missed", f"errors {save['failures']}"))  # fmt: skip

    def latency(label, name, limit, need_count=None):
        r = _row(exam, name)
        if r is None:
            out.append((label, "no requests", "missed", ""))
            return
        p95 = _ms(r["p95"])
        ok = p95 is not None and p95 < limit and r["failures"] == 0
        if need_count is not None and r["count"] < need_count:
            ok = False
        note = f"{r['count']} requests, {r['failures']} errors"
        out.append((label, f"p95 {r['p95']} ms", "met" if ok else "missed", note))

    measured = info.get("cost")
    if measured:
        over = [f"{name} {r['x_bare']:.1f}× > {COST_TARGETS[name]}×"
                for name, r in measured["requests"].items()
                if name in COST_TARGETS and r["x_bare"] > COST_TARGETS[name]]  # fmt: skip
        shown = ", ".join(f"{name} {measured['requests'][name]['x_bare']:.1f}×"
                          for name in COST_TARGETS if name in measured["requests"])  # fmt: skip
        out.append(("each request alone within its multiple of bare (page 3, start 3, my exams "
                    "2, save 2, submit 5)", shown, "missed" if over else "met",
                    "; ".join(over) or f"bare {measured['bare_p50_ms']:.2f} ms"))  # fmt: skip
    steady = [r for r in exam if r["name"].endswith("[steady]")]
    if steady:
        worst = max(r["max"] for r in steady)
        out.append(("no request over 1 s in the steady phase", f"longest {worst} ms",
                    "met" if worst <= 1000 else "missed",
                    f"{sum(r['count'] for r in steady)} requests"))  # fmt: skip
    n = info["args"]["candidates"]
    latency(f"{n} saving every {info['args']['save_every']:g} s: p95 < 100 ms, no errors",
            "save [steady]", 100)  # fmt: skip
    latency(f"{n} starting within {info['args']['start_window']} s: p95 < 1 s, no errors",
            "start [start window]", 1000, n)  # fmt: skip
    if _row(exam, "start to exam page [start window]"):  # runs before the waiting room: none
        how = (
            "the start, then the page"
            if _row(exam, "attempt page")
            else "the start, the page its answer"
        )
        latency(f"from 开始作答 to the exam page in the start window ({how}; what the person "
                "waits for): p95 < 1 s", "start to exam page [start window]", 1000, n)  # fmt: skip
    state = info.get("exam_state")
    if state:
        after = state["all_started_after_t0"]
        out.append(("every candidate started by the end of the start window",
                    f"{state['started']} of {state['candidates']} started, the last "
                    + (f"{after:g} s after the window opened" if after is not None else "never"),
                    "met" if after is not None and after <= info["args"]["start_window"] else "missed",
                    f"{state['submitted']} submitted"))  # fmt: skip
    latency(f"{n} submitting within {info['args']['submit_window']} s: p95 < 1 s, no errors",
            "submit [submit window]", 1000, n)  # fmt: skip
    latency("their result page after 交卷 (released at once: score, verdict, sections; the "
            "100 items one click away): p95 < 1 s", "result page [submit window]", 1000, n)  # fmt: skip
    latency("saves during the submission window (p95 < 100 ms)", "save [submit window]", 100)
    v = info.get("verify", {})
    bad = (v.get("items_score_differs_from_reference", 1)
           + v.get("items_without_exactly_one_score_event", 1)
           + v.get("attempts_total_differs_from_reference", 1))  # fmt: skip
    out.append(("each submission graded once, equal to the reference grading",
                f"{v.get('items_checked')} items re-graded; {v.get('items_score_differs_from_reference')} differ; "
                f"{v.get('items_without_exactly_one_score_event')} without exactly 1 ScoreEvent",
                "met" if bad == 0 else "missed", f"attempts: {v.get('attempts_by_status')}"))  # fmt: skip
    rss = info.get("rss", {})
    if rss:
        peak = max(w["max_mb"] for w in rss.values())
        growth = max(w["last_10pct_mb"] - w["after_warmup_mb"] for w in rss.values())
        secs = max(w["seconds"] for w in rss.values())
        ok = peak < 150 and growth < 10
        measured = f"peak {peak:.0f} MB; growth after warm-up {growth:+.1f} MB"
        steady = info.get("rss_steady") or {}
        if steady:  # the exam's steady phase, every candidate's caches filled: < 2 MB
            rise = max(w["last_minute_mb"] - w["first_minute_mb"] for w in steady.values())
            span = max(w["seconds"] for w in steady.values())
            ok = ok and rise < 2
            measured += f"; over the steady phase's {span} s {rise:+.1f} MB (first minute to last)"
        out.append((f"memory per worker < 150 MB, flat (run of {secs:.0f} s)", measured,
                    "met" if ok else "missed", "10-minute target: see the run length"))  # fmt: skip
    return out


# (what, cost-phase requests it takes, how many the issue asks for, in how many seconds)
_STARTS = (
    ("start from the waiting room: start, the attempt page", ("start", "attempt page"),
     "candidates", "start_window"),
    ("start after reloading: 「我的考试」, the notice, start, the attempt page",
     ("my exams", "notice", "start", "attempt page"), "candidates", "start_window"),
)  # fmt: skip
# Since the eighth session the start answers with the exam page itself (a prepared
# attempt): one request from the waiting room, and the exam asks for no page after it.
_STARTS_WITH_PAGE = (
    ("start from the waiting room: start (the exam page its answer)", ("start",),
     "candidates", "start_window"),
    ("start after reloading: 「我的考试」, the notice, start",
     ("my exams", "notice", "start"), "candidates", "start_window"),
)  # fmt: skip
_LOADS = (
    ("one autosave", ("save",), "candidates", "save_every"),
    ("one submission (100 items graded, result released) and its result page",
     ("submit", "result page"), "candidates", "submit_window"),
)  # fmt: skip
# The ceilings: each request's cost as a multiple of a bare request.
COST_TARGETS = {"attempt page": 3, "start": 3, "my exams": 2, "save": 2, "submit": 5}


def cost(info: dict) -> list[str]:
    """Each request alone, as a multiple of the bare request of the same phase."""
    measured = info.get("cost")
    if not measured:
        return []
    lines = ["", "### cost: each request alone, as a multiple of a bare request", "",
             f"`bench/cost_phase.py`: {measured['sittings']} sittings one after another over one "
             f"kept-alive connection; bare p50 {measured['bare_p50_ms']:.2f} ms.", "",
             "| request | count | p50 ms | p95 ms | × bare | ceiling | verdict |",
             "| --- | ---: | ---: | ---: | ---: | ---: | --- |"]  # fmt: skip
    for name, r in measured["requests"].items():
        ceiling = COST_TARGETS.get(name)
        verdict = "" if ceiling is None else ("met" if r["x_bare"] <= ceiling else "**missed**")
        lines.append(f"| {name} | {r['count']} | {r['p50_ms']:.2f} | {r['p95_ms']:.2f} | "
                     f"{r['x_bare']:.1f} | {ceiling or ''} | {verdict} |")  # fmt: skip
    return lines


def capacity(info: dict) -> list[str]:
    """What the workers can serve at most, from each request's cost measured alone."""
    measured = info.get("cost")
    if not measured:
        return []
    # A worker serves one request at a time on one core: more workers than cores only fill
    # the time the others wait (an fsync, the write queue), never add a core.
    workers = min(info["args"]["workers"], info["machine"]["nproc"])
    lines = ["", "### capacity from the cost alone", "",
             f"Each request's p50 latency alone (the cost phase) is its cost; {workers} "
             "busy workers (at most one per core) serve at most workers × 1000 / cost a second "
             "(less: the load generator shares the cores).", "",
             "| work | cost alone, ms | at most per s | the issue asks | asked / at most |",
             "| --- | ---: | ---: | ---: | ---: |"]  # fmt: skip
    exam = info.get("runs", {}).get("exam", {}).get("rows", [])
    pages = sum(r["count"] for r in exam if r["name"] == "attempt page")
    starts = _STARTS if pages or not exam else _STARTS_WITH_PAGE
    for label, names, count_arg, seconds_arg in (*starts, *_LOADS):
        costs = [measured["requests"].get(name, {}).get("p50_ms") for name in names]
        if any(c is None for c in costs):
            continue
        total = sum(costs)
        most = workers * 1000 / total if total else float("inf")
        asked = info["args"][count_arg] / info["args"][seconds_arg]
        lines.append(f"| {label} | {total:.2f} | {most:.0f} | {asked:.0f} | {asked / most:.2f} |")
    return lines


def cpu(info: dict) -> list[str]:
    """Who used the cores in each window (bench/cpu_share.py)."""
    phases = info.get("cpu")
    if not phases:
        return []
    lines = ["", f"### cores used, by whom (of {info['machine']['nproc']}; bench/cpu_share.py)", "",
             "| window | seconds | app workers | Locust | PostgreSQL | others | steal | idle |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]  # fmt: skip
    for name, c in phases.items():
        lines.append(f"| {name} | {c['seconds']} | {c['workers']:.2f} | {c['Locust']:.2f} | "
                     f"{c['PostgreSQL']:.2f} | {c['others']:.2f} | {c['steal']:.2f} | "
                     f"{c['idle']:.2f} |")  # fmt: skip
    return lines


def waits(info: dict) -> list[str]:
    """What the workers were doing in each window (bench/worker_waits.py)."""
    phases = info.get("waits")
    if not phases:
        return []
    kinds = list(next(iter(phases.values())))
    lines = ["", "### what the workers were doing, % of samples every 5 ms (bench/worker_waits.py)",
             "", "| window | " + " | ".join(kinds) + " |", "| --- |" + " ---: |" * len(kinds)]  # fmt: skip
    for name, share in phases.items():
        lines.append(f"| {name} | " + " | ".join(f"{share[k]:.1f}" for k in kinds) + " |")
    return lines


def inside(info: dict) -> list[str]:
    """Each window's requests as the app's request log timed them (bench/request_times.py)."""
    phases = info.get("inside_the_app")
    if not phases:
        return []
    lines = ["", "### inside the app: the request log's own times (ms; without the wait for a "
             "worker or the load generator's delays)", "",
             "| window | the app's time, summed | endpoint | requests | p50 | p95 | max |",
             "| --- | ---: | --- | ---: | ---: | ---: | ---: |"]  # fmt: skip
    for name, phase in phases.items():
        ranked = sorted(phase["endpoints"].items(), key=lambda kv: -kv[1]["count"])
        for n, (endpoint, f) in enumerate(ranked[:6]):
            workers = info["args"].get("workers", 2)
            head = (f"| {name} | {phase['busy_s']} s in {phase['seconds']} s × {workers} workers"
                    if n == 0 else "| |")  # fmt: skip
            lines.append(f"{head} | {endpoint} | {f['count']} | {f['p50']:.1f} | "
                         f"{f['p95']:.1f} | {f['max']:.1f} |")  # fmt: skip
    return lines


def start_seconds(info: dict) -> list[str]:
    """The start window second by second (bench/timeline.py)."""
    rows = info.get("timeline")
    if not rows:
        return []

    def f(value, fmt="{:.2f}"):
        return "" if value is None else fmt.format(value)

    lines = ["", "### the start window, second by second (bench/timeline.py)", "",
             "Requests by the second Locust sent them; the app's time and the cores by the "
             "second they were spent. Second 0 is the opening.", "",
             "| s | starts sent | starts served | 开始作答 → page p50 / p95 ms | bare probe, "
             "longest ms | other requests sent | app time, s (of 2 workers) | workers | Locust "
             "| PostgreSQL | idle | workers waiting for a request, % | listen queue, most |",
             "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]  # fmt: skip
    for r in rows:
        lines.append(f"| {r['second']} | {r['starts_sent']} | {r['starts_done']} | "
                     f"{f(r['flow_p50'], '{:.0f}')} / {f(r['flow_p95'], '{:.0f}')} | "
                     f"{f(r['bare_max'], '{:.0f}')} | {r['others_sent']} | {r['app_s']:.2f} | "
                     f"{f(r['workers'])} | {f(r['locust'])} | {f(r['postgresql'])} | "
                     f"{f(r['idle'])} | {f(r['waiting_pct'], '{:.0f}')} | "
                     f"{f(r.get('accept_queue'), '{}')} |")  # fmt: skip
    return lines


def _table(rows: list[dict]) -> list[str]:
    lines = ["| endpoint [phase] | requests | errors | req/s | p50 ms | p95 ms | p99 ms | max ms |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]  # fmt: skip
    for r in rows:
        lines.append(f"| {r['method']} {r['name']} | {r['count']} | {r['failures']} | "
                     f"{r['rps']:.1f} | {r['p50']} | {r['p95']} | {r['p99']} | {r['max']} |")  # fmt: skip
    return lines


def section(db: str, info: dict) -> list[str]:
    m = info["machine"]
    lines = [f"## {db}", "",
             f"- date: {info['date']}; setup (schema, bank, {info['args']['candidates']} candidates, paper): {info['setup_seconds']} s"
             + (f", of which preparing {info['prepared']['attempts']} attempts: {info['prepared']['seconds']} s" if info.get("prepared") else ""),
             f"- machine: {m['nproc']} cores ({m['cpu']}), {m['memory_gib']} GiB, Python {m['python']}; "
             f"load average before {m['load_before']}, after {m.get('load_after')} (shared with other engineers)",
             f"- command: `{info['command']}`",
             f"- server: `{info['server_command']}`", ""]  # fmt: skip
    lines += ["| target | measured | verdict | note |", "| --- | --- | --- | --- |"]
    lines += [f"| {a} | {b} | **{c}** | {d} |" for a, b, c, d in targets(info)]
    for name, run in info["runs"].items():
        lines += ["", f"### {name}", "", f"`{run['command']}`", "", *_table(run["rows"])]
        if run.get("failures", "").count("\n") > 1:
            lines += ["", "Failures:", "", "```", run["failures"].strip()[:1500], "```"]
    lines += cost(info) + capacity(info)
    lines += cpu(info) + waits(info) + inside(info) + start_seconds(info)
    checkpoints = info.get("checkpoints")
    if checkpoints is not None:
        lines += ["", "### SQLite checkpoints (background thread, exam_app/database.py)", "",
                  ("none: PostgreSQL, or the WAL never reached the threshold"
                   if not checkpoints.get("count") else
                   f"{checkpoints['count']} checkpoints; p50 {checkpoints['p50_ms']} ms, longest "
                   f"{checkpoints['max_ms']} ms; {checkpoints['failed']} failed"
                   + (f"; frames in the WAL p50 {checkpoints['frames_p50']}, most "
                      f"{checkpoints['frames_max']}; {checkpoints['caught_up']} caught up "
                      "(the WAL then starts again)" if "frames_max" in checkpoints else ""))]  # fmt: skip
    collections = info.get("gc")
    if collections is not None:
        told = "none during the run"
        if collections["count"]:
            told = (f"{collections['count']} during the run; p50 {collections['p50_ms']} ms, "
                    f"longest {collections['max_ms']} ms; objects frozen before the fork "
                    f"(gunicorn.conf.py): {collections['frozen']}")  # fmt: skip
        lines += ["", "### full garbage collections in the workers (gc.callbacks, "
                  "bench/bench_app.py)", "", told]  # fmt: skip
    lines += ["", "### worker memory (VmRSS, MB)", "",
              "| worker pid | samples | seconds | first 10 % | after warm-up | last 10 % | max |",
              "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]  # fmt: skip
    for pid, w in info.get("rss", {}).items():
        lines.append(f"| {pid} | {w['samples']} | {w['seconds']:.0f} | {w['first_10pct_mb']} | "
                     f"{w['after_warmup_mb']} | {w['last_10pct_mb']} | {w['max_mb']} |")  # fmt: skip
    if info.get("rss_steady"):
        lines += ["", "The exam's steady phase (everyone started, to the submission window), "
                  "each worker's mean in its first and its last minute:", "",
                  "| worker pid | steady seconds | first minute | last minute | change |",
                  "| --- | ---: | ---: | ---: | ---: |"]  # fmt: skip
        for pid, w in info["rss_steady"].items():
            lines.append(f"| {pid} | {w['seconds']} | {w['first_minute_mb']} | "
                         f"{w['last_minute_mb']} | "
                         f"{w['last_minute_mb'] - w['first_minute_mb']:+.1f} |")  # fmt: skip
    lines += [
        "",
        "### grading check",
        "",
        "```",
        json.dumps(info.get("verify"), ensure_ascii=False, indent=1),
        "```",
        "",
    ]
    return lines


def write_results() -> None:
    path = BENCH / "RESULTS.md"
    kept = ""
    if path.exists() and MARK in path.read_text():
        kept = path.read_text()[path.read_text().index(MARK) :]
    lines = ["# Load benchmark results", "",
             "Written by `bench/load_bench.py` (see its docstring); only the Analysis section is",
             "written by hand. Latencies are Locust's, in ms, measured on the same 2-core machine",
             "that runs the load generator; `bare` is `/bench/bare` of the same app in the same run.", ""]  # fmt: skip
    for f in sorted((BENCH / "results").glob("*.json")):
        lines += section(f.stem, json.loads(f.read_text()))
    path.write_text("\n".join(lines) + "\n" + (("\n" + kept) if kept else ""))


if __name__ == "__main__":
    write_results()
