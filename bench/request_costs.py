"""Each exam request's cost in-process, as a multiple of a bare request, with its statements.

Run (from the repository):
  .venv/bin/python bench/request_costs.py [--db sqlite|postgresql] [--rounds 30]

No HTTP server and no load generator: the Flask test client calls the real app on a real
database (a SQLite file, or a throwaway PostgreSQL cluster), so the figures are the app's
own cost per request (Python, SQL, commit), free of the noise of a shared machine. Each
round signs in a fresh candidate and does what the load benchmark's candidates do: 「我的考试」,
start, the attempt page, ten saves, the submission, the result page. The bare view is
timed in the same rounds. Prints p50 per request, the ratio to bare, and how many SQL
statements each sent (counted on the engine, so round trips to PostgreSQL are seen).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("EXAM_INSTANCE_DIR", tempfile.mkdtemp(prefix="exam-costs-"))
os.environ.setdefault("SECRET_KEY", "bench-secret-key")

from bench.load_bench import PASSWORD, build_database, start_postgres  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    p.add_argument("--rounds", type=int, default=30)
    p.add_argument("--items", type=int, default=100)
    p.add_argument("--shuffle", action="store_true", help="a paper that shuffles options")
    p.add_argument("--profile", help="a request's name: print where its time goes (cProfile)")
    p.add_argument(
        "--profile-after",
        type=int,
        default=5,
        help="rounds left out of the profile: per-worker caches fill in the first",
    )
    args = p.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="exam-costs-"))
    stop = None
    if args.db == "sqlite":
        url = f"sqlite:///{workdir / 'exam.db'}"
    else:
        url, stop = start_postgres(workdir)
    try:
        plan = build_database(url, args.rounds + 2, args.items, args.shuffle)
        if os.environ.get("AFTER_BUILD_SQL"):  # an experiment on the built database
            from sqlalchemy import create_engine, text

            with create_engine(url, isolation_level="AUTOCOMMIT").connect() as c:
                for sql in os.environ["AFTER_BUILD_SQL"].split(";"):
                    c.execute(text(sql))
        run(url, plan, args)
    finally:
        if stop:
            stop()


def run(url: str, plan: dict, args) -> None:
    import re

    from sqlalchemy import event

    from exam_app import create_app
    from exam_app.extensions import db
    from exam_app.web.password_change import no_sign_in

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": True})

    @app.get("/bench/bare")
    @no_sign_in
    def bare():
        return "ok"

    counts: dict[str, int] = {}
    current = {"name": None}
    trips: dict[str, int] = {}
    if url.startswith("postgresql"):
        import psycopg

        # A wait for the server's answer is a round trip (tests.databases.answer_awaited).
        from tests.databases import answer_awaited

        plain_wait = psycopg.Connection.wait

        def counting(gen, name):
            def trip():
                trips[name] = trips.get(name, 0) + 1
                if name == os.environ.get("SHOW_TRIPS"):
                    import traceback

                    where = [f"{f.name}:{f.lineno}" for f in traceback.extract_stack()[-9:-2]]
                    print("TRIP", " < ".join(reversed(where)))

            return answer_awaited(gen, trip)

        def counted_wait(self, gen, *a, **k):
            if current["name"]:
                gen = counting(gen, current["name"])
            return plain_wait(self, gen, *a, **k)

        psycopg.Connection.wait = counted_wait
    with app.app_context():

        @event.listens_for(db.engine, "before_cursor_execute")
        def _count(_conn, _cursor, statement, *_a, **_k):
            if current["name"]:
                counts[current["name"]] = counts.get(current["name"], 0) + 1
                if current["name"] == os.environ.get("SHOW_SQL"):
                    print("SQL", " ".join(statement.split())[:160])

    times: dict[str, list[float]] = {}
    cpu_times: dict[str, list[float]] = {}  # this thread's CPU: what a busy machine spares
    stmts: dict[str, list[int]] = {}
    round_trips: dict[str, list[int]] = {}
    meta = re.compile(r'<meta name="csrf-token" content="([^"]+)"')

    import cProfile
    import pstats

    # PROFILE_CLOCK=cpu: this thread's CPU, so a wait on PostgreSQL's socket is not counted
    clock = time.thread_time if os.environ.get("PROFILE_CLOCK") == "cpu" else time.perf_counter
    profiler = cProfile.Profile(clock)

    def timed(name, call, *call_args, **call_kwargs):
        counts[name] = trips[name] = 0
        current["name"] = name
        profiling = name == args.profile and round_number[0] >= args.profile_after
        if profiling:
            profiler.enable()
        t, cpu = time.perf_counter(), time.thread_time()
        r = call(*call_args, **call_kwargs)
        if profiling:
            profiler.disable()
        times.setdefault(name, []).append((time.perf_counter() - t) * 1000)
        cpu_times.setdefault(name, []).append((time.thread_time() - cpu) * 1000)
        current["name"] = None
        stmts.setdefault(name, []).append(counts[name])
        round_trips.setdefault(name, []).append(trips[name])
        return r

    responses = plan["responses"]
    round_number = [0]
    for n in range(args.rounds):
        round_number[0] = n
        client = app.test_client()
        page = client.get("/login")
        token = meta.search(page.text).group(1)
        client.post("/login", data={"csrf_token": token, "username": plan["usernames"][n],
                                    "password": PASSWORD})  # fmt: skip
        for _ in range(3):
            timed("bare", client.get, "/bench/bare")
        r = timed("my exams", client.get, "/exams/")
        token = meta.search(r.text).group(1)
        r = timed(
            "start",
            client.post,
            f"/exams/papers/{plan['paper_id']}/start",
            data={"csrf_token": token},
        )
        # A prepared attempt: the start answers with the exam page (its address in
        # Content-Location); otherwise a redirect to it.
        assert r.status_code in (200, 302), r.text[:300]
        where = r.headers["Content-Location" if r.status_code == 200 else "Location"]
        attempt = int(where.rstrip("/").rsplit("/", 1)[1])
        r = timed("attempt page", client.get, f"/exams/attempts/{attempt}")
        assert r.status_code == 200
        for i in range(10):
            pos = random.randrange(len(responses)) + 1
            body = {"position": pos, "response": random.choice(responses[pos - 1]),
                    "seq": n * 100 + i + 1}  # fmt: skip
            r = timed(
                "save",
                client.post,
                f"/exams/attempts/{attempt}/answers",
                json=body,
                headers={"X-CSRFToken": token},
            )
            assert r.status_code == 200 and r.json["ok"], r.text[:300]
        r = timed(
            "submit", client.post, f"/exams/attempts/{attempt}/submit", data={"csrf_token": token}
        )
        assert r.status_code == 302, r.text[:300]
        timed("result page", client.get, f"/exams/attempts/{attempt}/result")
        timed("result items", client.get, f"/exams/attempts/{attempt}/result/items")

    if args.profile:
        stats = pstats.Stats(profiler).sort_stats(os.environ.get("SORT", "cumulative"))
        stats.print_stats(40)
        if os.environ.get("CALLEES"):
            stats.print_callees(os.environ["CALLEES"])
        if os.environ.get("CALLERS"):
            stats.print_callers(os.environ["CALLERS"])

    def p50(values):
        return statistics.median(values[2:] if len(values) > 5 else values)

    # The yardstick must stay bare: no statement (a hook that loads the person would count).
    assert max(stmts["bare"]) == 0, f"the bare view sent SQL: {stmts['bare']}"
    bare_p50, bare_cpu = p50(times["bare"]), p50(cpu_times["bare"])
    bare_min = min(times["bare"])
    # The fastest of each: on a machine shared with other work, the run least disturbed.
    print(f"{'request':<14} {'p50 ms':>8} {'× bare':>7} {'min ms':>8} {'× bare':>7} "
          f"{'CPU ms':>8} {'CPU - bare':>10} {'statements':>10} {'round trips':>11}")  # fmt: skip
    for name, values in times.items():
        wall, cpu, fastest = p50(values), p50(cpu_times[name]), min(values)
        print(f"{name:<14} {wall:8.2f} {wall / bare_p50:7.1f} {fastest:8.2f} "
              f"{fastest / bare_min:7.1f} {cpu:8.2f} {cpu - bare_cpu:10.2f} "
              f"{statistics.median(stmts[name]):>10} {statistics.median(round_trips[name]):>11}")  # fmt: skip


if __name__ == "__main__":
    main()
