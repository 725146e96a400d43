"""Load benchmark: the real app under gunicorn, driven over HTTP by Locust.

Run (from the repository):
  .venv/bin/pip install -r bench/requirements.lock
  .venv/bin/python bench/load_bench.py --db sqlite
  .venv/bin/python bench/load_bench.py --db postgresql

Each run builds a fresh database (a SQLite file, or a throwaway PostgreSQL cluster made like
tests/databases.py does), loads the shipped bank, creates the candidates and a published
100-item objective paper through the app's services, serves `bench.bench_app:app` (the real
app plus a bare view) with gunicorn on 127.0.0.1, and runs, one after the other:

  1. cost: one candidate after another, alone on the server (sign in, five bare requests,
     「我的考试」, the notice, start, page, ten saves, submit) for SOLO_SECONDS, timed by bench/cost_phase.py:
     each request's latency at no load is its own cost, reported as a multiple of the bare
     request of the same phase, from which the report derives what two workers serve at most;
  2. throughput: THROUGHPUT_USERS users calling the bare view back to back, then as many
     candidates saving back to back (same duration): saves/s against bare/s, in
     THROUGHPUT_ROUNDS rounds (the second in the other order): the bare view's own rate moves
     by half within an hour on this shared host, so the ratio is taken round by round, each
     of two phases a few seconds apart, and reported as the rounds' median;
  3. the exam: CANDIDATES users log in and open 「我的考试」 and the 考试须知 (the waiting
     room; RELOAD_SHARE of them only at their moment), all start within START_WINDOW s
     (开始作答, then the exam page), save one answer
     every SAVE_EVERY s for SAVE_SECONDS s once all have started, and submit within
     SUBMIT_WINDOW s while the others still save; a few probes call the bare view all
     along. Starts the server could not serve in the window are the "start backlog"; the
     run waits for it (up to BACKLOG_ALLOWANCE s) and ends when the last one submitted.

The workers' resident memory (VmRSS) is sampled every 2 s throughout. Afterwards every
submitted attempt is graded again with the pure grader and compared, and ScoreEvents are
counted per item. Results go to bench/results/<db>.json, and bench/RESULTS.md is written
again from all result files (its "## Analysis" section, written by hand, is kept).
Every phase is bounded in time; the server and the database are stopped at the end.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
VENV_BIN = Path(sys.executable).parent
PASSWORD = "bench-password-1"
sys.path.insert(0, str(ROOT))

from bench import request_times, timeline  # noqa: E402
from bench.cpu_share import CpuSampler  # noqa: E402
from bench.report import write_results  # noqa: E402
from bench.worker_waits import WaitSampler  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "load_before": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "python": platform.python_version(),
    }


# ---------------------------------------------------------------- the database


def build_database(url: str, candidates: int, items: int, shuffle: bool = False) -> dict:
    """Schema, shipped bank, candidates and a published paper, through the services.
    `shuffle`: the paper shuffles each item's options, as the shipped example paper does
    for staff who sit side by side (each candidate's page then differs from the others').
    The items keep their order: the candidates' answers are planned by position."""
    from flask_migrate import upgrade
    from sqlalchemy import select
    from werkzeug.security import generate_password_hash

    from exam_app import create_app
    from exam_app.extensions import db
    from exam_app.models import Question, Role, User
    from exam_app.models.base import utcnow
    from exam_app.services.accounts import create_user
    from exam_app.services.content_sync import sync_content
    from exam_app.services.papers import add_fixed_section, create_paper, publish

    # No checkpoint thread here: it would hold the flock (database.py) for the server's life.
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SQLITE_CHECKPOINT_EVERY": 0})
    with app.app_context():
        if os.environ.get("EXAM_SCHEMA_FROM_MODELS") == "1":
            db.create_all()
        else:
            upgrade()
        sync_content(ROOT)
        lead = create_user(username="bench-lead", name="压测负责人", staff_no="B0000",
                           password=PASSWORD, roles={Role.LEAD})  # fmt: skip
        # create_user hashes with scrypt (~70 ms of CPU each): the candidates share one
        # cheap PBKDF2 hash so that setting up and signing in 2,000 people takes seconds.
        # Sign-in is not among the targets; saves, starts and submissions do not hash.
        cheap = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
        usernames = [f"cand{i:05d}" for i in range(candidates)]
        for chunk in range(0, candidates, 500):
            for i, name in enumerate(usernames[chunk : chunk + 500], chunk):
                user = User(username=name, name=f"考生{i}", staff_no=f"C{i:05d}",
                            password_hash=cheap)  # fmt: skip
                user.set_roles({Role.STAFF})
                db.session.add(user)
            db.session.commit()
        questions = db.session.scalars(
            select(Question)
            .where(Question.case_id.is_(None), Question.kind.in_(("single", "multi", "tf", "fill")))
            .order_by(Question.uid)
        ).all()
        by_kind = {
            k: [q for q in questions if q.kind == k] for k in ("single", "multi", "tf", "fill")
        }
        wanted = {"single": items // 2, "multi": items // 5, "tf": items // 5}
        wanted["fill"] = items - sum(wanted.values())
        chosen = [q for k, n in wanted.items() for q in by_kind[k][:n]]
        assert len(chosen) == items, f"the bank has too few objective items ({len(chosen)})"
        now = utcnow()
        paper = create_paper(
            title="压测：季度综合考试", quarter="2026Q4", created_by=lead,
            opens_at=now - dt.timedelta(minutes=5), closes_at=now + dt.timedelta(days=1),
            time_limit_minutes=180, pass_mark=str(items * 6 // 10),
        )  # fmt: skip
        paper.shuffle_options = shuffle
        add_fixed_section(paper, title="一、客观题", question_uids=[q.uid for q in chosen],
                          points="1")  # fmt: skip
        publish(paper)
        # As `flask prepare-attempts` does from cron before the window opens: every
        # candidate's attempt drawn and stored, so their start is one UPDATE.
        from exam_app.services.preparing import prepare_due

        started = time.time()
        prepared = prepare_due()
        prepare_seconds = round(time.time() - started, 1)
        responses = [[_right(q.snapshot()), _wrong(q.snapshot())] for q in chosen]
        plan = {"paper_id": paper.id, "password": PASSWORD, "usernames": usernames,
                "responses": responses, "prepared": prepared,
                "prepare_seconds": prepare_seconds}  # fmt: skip
        db.session.remove()
        db.engine.dispose()
    return plan


def _right(snap: dict):
    key, kind = snap["key"], snap["kind"]
    if kind in ("single", "tf"):
        return key["answer"]
    if kind == "multi":
        return list(key["answers"])
    return [alternatives[0][0] for alternatives in key["blanks"]]


def _wrong(snap: dict):
    kind = snap["kind"]
    if kind == "tf":
        return not snap["key"]["answer"]
    labels = [o["label"] for o in snap["options"]]
    if kind == "single":
        return next(x for x in labels if x != snap["key"]["answer"])
    if kind == "multi":
        return labels[:1]
    return ["不知道"] * len(snap["key"]["blanks"])


def verify(url: str, paper_id: int) -> dict:
    """Grade every submitted attempt again with the pure grader; count ScoreEvents per item."""
    from sqlalchemy import func, select

    from exam_app import create_app
    from exam_app.extensions import db
    from exam_app.grading import score_item
    from exam_app.models import Attempt, AttemptItem, ScoreEvent

    # No checkpoint thread here: it would hold the flock (database.py) for the server's life.
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SQLITE_CHECKPOINT_EVERY": 0})
    with app.app_context():
        status = dict(
            db.session.execute(
                select(Attempt.status, func.count())
                .where(Attempt.paper_id == paper_id)
                .group_by(Attempt.status)
            ).all()
        )
        events = dict(
            db.session.execute(
                select(ScoreEvent.attempt_item_id, func.count()).group_by(
                    ScoreEvent.attempt_item_id
                )
            ).all()
        )
        items = db.session.execute(
            select(AttemptItem, Attempt.total)
            .join(Attempt, Attempt.id == AttemptItem.attempt_id)
            .where(
                Attempt.paper_id == paper_id,
                Attempt.status.in_(("submitted", "graded", "released")),
            )
        ).all()
        mismatched = not_once = 0
        totals: dict[int, object] = {}
        for item, total in items:
            snap = item.snapshot
            ref = score_item(item.kind, snap["key"], item.response, item.points, snap["rule"]).score
            mismatched += item.score != ref
            not_once += events.get(item.id, 0) != 1
            totals.setdefault(item.attempt_id, [total, 0])[1] += ref
        wrong_totals = sum(1 for total, ref in totals.values() if total != ref)
        db.session.remove()
        db.engine.dispose()
    return {
        "attempts_by_status": status,
        "items_checked": len(items),
        "items_score_differs_from_reference": mismatched,
        "items_without_exactly_one_score_event": not_once,
        "attempts_total_differs_from_reference": wrong_totals,
    }


def gc_summary(server_log: str) -> dict:
    """The workers' full garbage collections (bench/bench_app.py): how many, how long."""
    import re

    durations = sorted(float(m) for m in re.findall(r"gc full collection .*duration_ms=([0-9.]+)",
                                                    server_log))  # fmt: skip
    frozen = re.findall(r"gc full collection .*frozen=(\d+)", server_log)
    return {"count": len(durations), "max_ms": durations[-1] if durations else None,
            "p50_ms": durations[len(durations) // 2] if durations else None,
            "frozen": int(frozen[-1]) if frozen else 0}  # fmt: skip


def checkpoint_summary(server_log: str) -> dict:
    """The background checkpointer's lines (exam_app/database.py): how often, how long."""
    import re

    durations = [float(m) for m in re.findall(r"checkpoint frames=.* duration_ms=([0-9.]+)",
                                              server_log)]  # fmt: skip
    if not durations:
        return {"count": 0}
    durations.sort()
    # Frames in the WAL at each checkpoint: a round's commits when the WAL starts again after
    # each, a growing count when it never does (database._catch_up).
    frames = sorted(int(m) for m in re.findall(r"checkpoint frames=(\d+)", server_log))
    return {
        "count": len(durations),
        "p50_ms": durations[len(durations) // 2],
        "max_ms": durations[-1],
        "failed": server_log.count("checkpoint failed"),
        "frames_p50": frames[len(frames) // 2],
        "frames_max": frames[-1],
        "caught_up": server_log.count("caught_up=True"),
    }


# ---------------------------------------------------------------- PostgreSQL


def start_postgres(workdir: Path) -> tuple[str, callable]:
    from tests.databases import PostgresServer

    server = PostgresServer(durable=True)  # fsync on, as in production (tests turn it off)
    server.start()  # max_connections 100: enough for 2-4 workers × a pool of 5 (+10)
    return server.url(server.create_database()), server.stop


def _relative(command: str, workdir: Path) -> str:
    """Commands as written down: paths relative to the repository, the run's temporary
    folder as <work>, so no machine's absolute paths reach RESULTS.md."""
    command = command.replace(str(workdir), "<work>")
    return command.replace(str(ROOT) + "/", "").replace(str(ROOT), ".")


# ---------------------------------------------------------------- the server


class Server:
    def __init__(self, url: str, workdir: Path, workers: int, threads: int, root: Path = ROOT,
                 max_requests: int = 0):  # fmt: skip
        self.port = free_port()
        self.cmd = [
            # The production settings (gunicorn.conf.py: preload, post_fork dispose), with the
            # bind and worker count of the run; no worker recycling unless asked, so memory
            # can be watched.
            # `root`: the checkout served (bench/cost_ab.py serves two).
            str(VENV_BIN / "gunicorn"), "-c", str(root / "gunicorn.conf.py"), "--chdir", str(root),
            "-b", f"127.0.0.1:{self.port}", "-w", str(workers), "--threads", str(threads),
            "--max-requests", str(max_requests), "--backlog", "4096", "bench.bench_app:app",
        ]  # fmt: skip
        self.env = {
            **os.environ,
            "DATABASE_URL": url,
            "SECRET_KEY": "bench-secret-key",
            "EXAM_INSTANCE_DIR": str(workdir / "instance"),
        }
        self.log = open(workdir / "gunicorn.log", "w")  # noqa: SIM115 (closed in stop())
        self.proc = subprocess.Popen(self.cmd, env=self.env, stdout=self.log, stderr=self.log)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start")
        time.sleep(1.0)  # workers import the app

    def workers(self) -> list[psutil.Process]:
        return psutil.Process(self.proc.pid).children()

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def windows(t0: float, args, state: dict, flat: dict) -> dict[str, tuple[float, float]]:
    """The run's windows by name, as (start, end) epoch seconds: the throughput runs
    (`flat`: their spans), then the exam's (Locust's state says when submitting began)."""
    phases = {f"throughput: {name}": span for name, span in flat.items()}
    phases["login (the last 30 s)"] = (t0 - 30, t0)
    phases["start window"] = (t0, t0 + args.start_window)
    if state.get("submit_opens_after_t0") is not None:
        opens = t0 + state["submit_opens_after_t0"]
        phases["steady (its last 30 s)"] = (opens - 30, opens)
        phases["submit window"] = (opens, opens + args.submit_window)
    return phases


def start_timeline(t0, start_window, timeline_file, server_log, cpu, waits, queue) -> list[dict]:
    """The start window second by second (bench/timeline.py), up to the last start served."""
    sent = json.loads(timeline_file.read_text())
    rows = timeline.by_second(t0, start_window + timeline.AFTER, sent, server_log, cpu, waits,
                              queue)  # fmt: skip
    last = max((r["second"] for r in rows if r["starts_done"]), default=start_window)
    return [r for r in rows if r["second"] <= last + 1]


def by_window(sampler, phases: dict) -> dict:
    return {name: share for name, (a, b) in phases.items() if (share := sampler.share(a, b))}


class RssSampler(threading.Thread):
    def __init__(self, server: Server):
        super().__init__(daemon=True)
        self.server, self.samples, self.stopped = server, [], threading.Event()
        self.t0 = time.time()

    def run(self) -> None:
        while not self.stopped.wait(2.0):
            row = {"t": round(time.time() - self.t0, 1)}
            for w in self.server.workers():
                try:
                    for line in Path(f"/proc/{w.pid}/status").read_text().splitlines():
                        if line.startswith("VmRSS:"):
                            row[w.pid] = int(line.split()[1]) / 1024
                except OSError:
                    pass
            self.samples.append(row)

    def summary(self) -> dict:
        pids = sorted({k for s in self.samples for k in s if k != "t"})
        out = {}
        for pid in pids:
            series = [(s["t"], s[pid]) for s in self.samples if pid in s]
            n = len(series)
            first = sum(v for _, v in series[: max(1, n // 10)]) / max(1, n // 10)
            last = sum(v for _, v in series[-max(1, n // 10) :]) / max(1, n // 10)
            # after warm-up (first 20 % of the run) to the end: growth that would continue
            warm = series[n // 5]
            out[str(pid)] = {
                "samples": n,
                "seconds": series[-1][0] - series[0][0] if n else 0,
                "min_mb": round(min(v for _, v in series), 1),
                "max_mb": round(max(v for _, v in series), 1),
                "first_10pct_mb": round(first, 1),
                "last_10pct_mb": round(last, 1),
                "after_warmup_mb": round(warm[1], 1),
            }
        return out

    def steady(self, a: float, b: float) -> dict:
        """Each worker's mean in the first and the last minute of the exam's steady phase
        (epoch seconds a to b), when it lasts 3 minutes or more: by then every candidate has
        signed in, started and saved, so the caches are as full as the exam makes them, and
        what still grows would grow with the hours."""
        if b - a < 180:
            return {}
        a, b = a - self.t0, b - self.t0
        out = {}
        for pid in sorted({k for s in self.samples for k in s if k != "t"}):
            early = [s[pid] for s in self.samples if pid in s and a <= s["t"] < a + 60]
            late = [s[pid] for s in self.samples if pid in s and b - 60 <= s["t"] < b]
            if early and late:
                out[str(pid)] = {"seconds": round(b - a),
                                 "first_minute_mb": round(sum(early) / len(early), 1),
                                 "last_minute_mb": round(sum(late) / len(late), 1)}  # fmt: skip
        return out


# ---------------------------------------------------------------- Locust


def locust(host: str, plan_file: Path, csv_prefix: Path, users: int, rate: float, seconds: int,
           classes: list[str], extra_env: dict, nice: int = 0) -> tuple[list[dict], str, str]:  # fmt: skip
    cmd = ["nice", "-n", str(nice)] * bool(nice) + [
        str(VENV_BIN / "locust"), "-f", str(BENCH / "locustfile.py"), "--headless",
        "--host", host, "-u", str(users), "-r", str(rate), "--run-time", f"{seconds}s",
        "--stop-timeout", "5", "--csv", str(csv_prefix), "--only-summary",
        "--loglevel", "WARNING", *classes,
    ]  # fmt: skip
    # The host is an IP: gevent's default resolver still hands every new connection's
    # lookup to a thread (gunicorn's sync workers close each one), 15-25 % of Locust's CPU
    # per request on the cores the server needs; resolved in place it costs nothing.
    extra_env = {"GEVENT_RESOLVER": "block", **extra_env}
    env = {**os.environ, "BENCH_PLAN": str(plan_file), **{k: str(v) for k, v in extra_env.items()}}
    subprocess.run(cmd, env=env, check=False, timeout=seconds + 60,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    rows = []
    with open(f"{csv_prefix}_stats.csv", newline="") as fh:
        for r in csv.DictReader(fh):
            rows.append(
                {
                    "name": r["Name"] if r["Name"] != "Aggregated" else "(all)",
                    "method": r["Type"],
                    "count": int(r["Request Count"]),
                    "failures": int(r["Failure Count"]),
                    "rps": float(r["Requests/s"]),
                    "p50": r["50%"],
                    "p95": r["95%"],
                    "p99": r["99%"],
                    "max": round(float(r["Max Response Time"])),
                }
            )
    failures = (
        Path(f"{csv_prefix}_failures.csv").read_text()
        if Path(f"{csv_prefix}_failures.csv").exists()
        else ""
    )
    env_text = " ".join(f"{k}={v}" for k, v in extra_env.items())
    command = _relative(f"{env_text} {shlex.join(cmd)}".strip(), csv_prefix.parent)
    return rows, command, failures


# ---------------------------------------------------------------- main


def main() -> None:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    p.add_argument("--candidates", type=int, default=2000)
    p.add_argument("--items", type=int, default=100)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    p.add_argument("--max-requests", type=int, default=0,
                   help="recycle each worker after this many requests, jittered as "
                        "gunicorn.conf.py does (0: never, so memory can be watched)")  # fmt: skip
    p.add_argument("--shuffle", action="store_true",
                   help="the paper shuffles each item's options, as the shipped example does")  # fmt: skip
    p.add_argument("--throughput-users", type=int, default=16)
    p.add_argument("--throughput-seconds", type=int, default=15, help="each phase of a round")
    p.add_argument("--throughput-rounds", type=int, default=3)
    p.add_argument("--login-seconds", type=int, default=30, help="before the start window")
    p.add_argument("--start-window", type=int, default=10)
    p.add_argument("--save-seconds", type=int, default=60, help="steady saving")
    p.add_argument("--submit-window", type=int, default=30)
    p.add_argument("--save-every", type=float, default=10)
    p.add_argument("--reload-share", type=float, default=0.1,
                   help="share of candidates who open 「我的考试」 and the notice only at their "
                        "moment in the start window (the others wait in the notice)")  # fmt: skip
    p.add_argument("--solo-seconds", type=int, default=20, help="cost phase (0: skip)")
    p.add_argument(
        "--backlog-allowance",
        type=int,
        default=300,
        help="longest wait for starts the server could not serve in the window",
    )
    p.add_argument("--skip-throughput", action="store_true")
    p.add_argument(
        "--locust-nice",
        type=int,
        default=0,
        help="run Locust at this niceness (-10: before the server whenever both want a core), "
        "so the load generator's own delays on the shared cores are not counted as the server's",
    )
    p.add_argument("--keep", action="store_true", help="keep the work folder")
    p.add_argument("--label", help="results file and section name (default: the database)")
    args = p.parse_args()

    info = {"machine": machine(), "date": dt.datetime.now().isoformat(timespec="seconds"),
            "command": shlex.join([Path(sys.executable).relative_to(ROOT).as_posix() if sys.executable.startswith(str(ROOT)) else sys.executable, *sys.argv]),
            "args": vars(args)}  # fmt: skip
    workdir = Path(tempfile.mkdtemp(prefix="exam-bench-"))
    os.environ.setdefault("EXAM_INSTANCE_DIR", str(workdir / "instance"))
    os.environ.setdefault("SECRET_KEY", "bench-secret-key")
    stop_db = None
    server = None
    try:
        if args.db == "sqlite":
            url = f"sqlite:///{workdir / 'exam.db'}"
        else:
            url, stop_db = start_postgres(workdir)
        t = time.time()
        solo_pool = 300 if args.solo_seconds else 0  # one fresh candidate per solo sitting
        # Each throughput round's savers sign in as candidates of their own.
        n_total = args.candidates + args.throughput_users * args.throughput_rounds + solo_pool
        plan = build_database(url, n_total, args.items, args.shuffle)
        info["setup_seconds"] = round(time.time() - t, 1)
        info["prepared"] = {"attempts": plan["prepared"], "seconds": plan["prepare_seconds"]}
        plan_file = workdir / "plan.json"
        plan_file.write_text(json.dumps(plan, ensure_ascii=False))
        server = Server(url, workdir, args.workers, args.threads, max_requests=args.max_requests)
        info["server_command"] = _relative(shlex.join(server.cmd), workdir)
        host = f"http://127.0.0.1:{server.port}"
        sampler = RssSampler(server)
        sampler.start()
        cpu = CpuSampler(server.workers)
        cpu.start()
        waits = WaitSampler(server.workers)
        waits.start()
        runs, flat = {}, {}
        if args.solo_seconds:
            from bench.cost_phase import run as cost_phase

            first = args.candidates + args.throughput_users * args.throughput_rounds
            info["cost"] = cost_phase(server.port, plan, first, args.solo_seconds)
        if not args.skip_throughput:
            info["throughput_rounds"] = []
            for n in range(args.throughput_rounds):
                rates = {}
                for cls in ("BareFlat", "SaveFlat") if n % 2 == 0 else ("SaveFlat", "BareFlat"):
                    began = time.time()
                    first = args.candidates + n * args.throughput_users
                    rows, cmd, failures = locust(
                        host, plan_file, workdir / f"{cls}-{n}", args.throughput_users,
                        args.throughput_users, args.throughput_seconds, [cls],
                        {"BENCH_FIRST": first}, args.locust_nice,
                    )  # fmt: skip
                    # The first round keeps the names older result files have.
                    runs[cls if n == 0 else f"{cls}, round {n + 1}"] = {
                        "rows": rows, "command": cmd, "failures": failures[:4000]}  # fmt: skip
                    wanted = "bare [throughput]" if cls == "BareFlat" else "save [throughput]"
                    row = next((r for r in rows if r["name"] == wanted), None)
                    rates[cls] = (row["rps"], row["failures"]) if row else (0.0, 0)
                    # Its steady part: past Locust's start and ramp, before it stops.
                    label = "the bare view" if cls == "BareFlat" else "saves"
                    label += f", round {n + 1}" if args.throughput_rounds > 1 else ""
                    flat[label] = (began + 5, began + 5 + args.throughput_seconds - 7)
                info["throughput_rounds"].append(
                    {"bare_rps": rates["BareFlat"][0], "save_rps": rates["SaveFlat"][0],
                     "errors": rates["BareFlat"][1] + rates["SaveFlat"][1]})  # fmt: skip
        spawn_rate = max(10, args.candidates / (args.login_seconds * 0.6))
        t0 = time.time() + args.login_seconds + 3
        seconds = int(t0 - time.time() + args.start_window + args.save_seconds
                      + args.submit_window + args.backlog_allowance + 8)  # fmt: skip
        probes = 4
        queue = timeline.AcceptQueue(server.port, t0 - 1, t0 + args.start_window + timeline.AFTER)
        queue.start()
        state_file = workdir / "exam-state.json"
        timeline_file = workdir / "exam-timeline.json"
        rows, cmd, failures = locust(
            host, plan_file, workdir / "exam", args.candidates + probes, spawn_rate, seconds,
            ["Candidate", "BareProbe"],
            {"BENCH_T0": f"{t0:.3f}", "BENCH_START_WINDOW": args.start_window,
             "BENCH_SAVE_SECONDS": args.save_seconds, "BENCH_SUBMIT_WINDOW": args.submit_window,
             "BENCH_SAVE_EVERY": args.save_every, "BENCH_PROBES": probes, "BENCH_FIRST": 0,
             "BENCH_CANDIDATES": args.candidates, "BENCH_STATE": state_file,
             "BENCH_TIMELINE": timeline_file, "BENCH_TIMELINE_AFTER": timeline.AFTER,
             "BENCH_RELOAD_SHARE": args.reload_share},
            args.locust_nice,
        )  # fmt: skip
        runs["exam"] = {"rows": rows, "command": cmd, "failures": failures[:4000]}
        if state_file.exists():
            info["exam_state"] = json.loads(state_file.read_text())
        sampler.stopped.set()
        cpu.stopped.set()
        waits.stopped.set()
        queue.stopped.set()
        exam_state = info.get("exam_state") or {}
        info["rss"] = sampler.summary()
        if exam_state.get("submit_opens_after_t0") is not None:  # everyone started, to 交卷
            info["rss_steady"] = sampler.steady(
                t0 + args.start_window, t0 + exam_state["submit_opens_after_t0"]
            )
        phases = windows(t0, args, exam_state, flat)
        info["cpu"] = by_window(cpu, phases)
        info["waits"] = by_window(waits, phases)
        info["machine"]["load_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
        server.stop()
        server = None
        server_log = (workdir / "gunicorn.log").read_text()
        info["server_log_tail"] = server_log[-3000:]
        info["inside_the_app"] = request_times.by_window(server_log, phases)
        info["checkpoints"] = checkpoint_summary(server_log)
        info["gc"] = gc_summary(server_log)
        if timeline_file.exists():
            info["timeline"] = start_timeline(t0, args.start_window, timeline_file, server_log,
                                              cpu, waits, queue)  # fmt: skip
        info["verify"] = verify(url, plan["paper_id"])
        info["runs"] = runs
    finally:
        if server is not None:
            server.stop()
        if stop_db is not None:
            stop_db()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    out = BENCH / "results"
    out.mkdir(exist_ok=True)
    (out / f"{args.label or args.db}.json").write_text(
        json.dumps(info, ensure_ascii=False, indent=1)
    )
    write_results()
    print((BENCH / "RESULTS.md").read_text())


if __name__ == "__main__":
    main()
