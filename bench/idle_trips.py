"""What a pause before a request adds to it, on SQLite and on PostgreSQL: the price of a
round trip that finds the machine idle.

Run (from the repository):
  .venv/bin/python bench/idle_trips.py [--gaps 0,1,3,10] [--repeats 300]

The load bench's cost phase sends one request at a time, so between two requests both
cores go idle. On this machine (a virtual machine, two cores) a core that idles halts, and
a process woken on it runs its first instructions with cold caches. A request on SQLite
runs in the worker from start to end; one on PostgreSQL sends its statement and waits,
and the server's backend, idle since the last request, wakes to answer it. Here each
request is called in-process (the Flask test client, the real app on a SQLite file and on
a throwaway PostgreSQL server) after a pause of each length, for the bare view (no
statement), 「我的考试」 and the exam page (one round trip each on PostgreSQL): what the
pause adds to the bare view is the cost of waking alone; what it adds to PostgreSQL's
requests beyond that is the round trip's.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REQUESTS = ("bare", "my exams", "attempt page")


def measure(db: str, gaps: list[float], repeats: int) -> dict:
    """p50 ms per (request, pause) on one database, in this process."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("EXAM_INSTANCE_DIR", tempfile.mkdtemp(prefix="idle-trips-"))
    os.environ.setdefault("SECRET_KEY", "bench-secret-key")
    import logging

    from bench.load_bench import PASSWORD, build_database, start_postgres

    workdir = Path(tempfile.mkdtemp(prefix="idle-trips-"))
    stop = None
    url = f"sqlite:///{workdir / 'exam.db'}"
    if db == "postgresql":
        url, stop = start_postgres(workdir)
    try:
        plan = build_database(url, 4, 100, True)
        from exam_app import create_app
        from exam_app.web.password_change import no_sign_in

        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": True})

        @app.get("/bench/bare")
        @no_sign_in
        def bare():
            return "ok"

        logging.getLogger("exam_app.request").disabled = True  # a log line per request
        client = app.test_client()
        meta = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
        token = meta.search(client.get("/login").text).group(1)
        client.post("/login", data={"csrf_token": token, "username": plan["usernames"][0],
                                    "password": PASSWORD})  # fmt: skip
        token = meta.search(client.get("/exams/").text).group(1)
        r = client.post(f"/exams/papers/{plan['paper_id']}/start", data={"csrf_token": token})
        where = r.headers["Content-Location" if r.status_code == 200 else "Location"]
        paths = {"bare": "/bench/bare", "my exams": "/exams/", "attempt page": where}
        out: dict = {}
        for _ in range(20):  # warm: caches, prepared statements, generic plans
            for path in paths.values():
                assert client.get(path).status_code == 200
        for gap in gaps:
            times: dict[str, list[float]] = {name: [] for name in REQUESTS}
            for _ in range(repeats):
                for name in REQUESTS:
                    if gap:
                        time.sleep(gap / 1000)
                    started = time.perf_counter()
                    r = client.get(paths[name])
                    times[name].append((time.perf_counter() - started) * 1000)
                    assert r.status_code == 200, r.status_code
            out[str(gap)] = {name: statistics.median(v) for name, v in times.items()}
        return out
    finally:
        if stop:
            stop()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--gaps", default="0,1,3,10", help="pauses before each request, in ms")
    p.add_argument("--repeats", type=int, default=300)
    p.add_argument("--db", choices=("sqlite", "postgresql"), help=argparse.SUPPRESS)
    args = p.parse_args()
    gaps = [float(g) for g in args.gaps.split(",")]
    if args.db:  # one database, in a process of its own (the app's caches are per process)
        print(json.dumps(measure(args.db, gaps, args.repeats)))
        return
    figures = {}
    for db in ("sqlite", "postgresql"):
        done = subprocess.run(
            [sys.executable, __file__, "--db", db, "--gaps", args.gaps,
             "--repeats", str(args.repeats)],
            capture_output=True, text=True, check=True, cwd=ROOT,
        )  # fmt: skip
        figures[db] = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"p50 ms of {args.repeats} requests after each pause")
    print(f"{'request':14} {'pause ms':>8} {'SQLite':>8} {'PostgreSQL':>10} {'difference':>10}")
    for name in REQUESTS:
        for gap in gaps:
            s, q = (figures[db][str(gap)][name] for db in ("sqlite", "postgresql"))
            print(f"{name:14} {gap:8g} {s:8.3f} {q:10.3f} {q - s:10.3f}")


if __name__ == "__main__":
    main()
