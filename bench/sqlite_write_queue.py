"""Two SQLite writers taking turns: SQLite's busy handler against exam_app/write_queue.py.

Run (from the repository):
  .venv/bin/python bench/sqlite_write_queue.py [--seconds 5] [--work-ms 1.0]

Two processes (as gunicorn's two workers) each loop: `--work-ms` of CPU (the request's own
Python), then BEGIN IMMEDIATE, one UPDATE and COMMIT with `synchronous=FULL` (an autosave's
transaction, its fsync included). Without the queue a writer that finds the lock taken
sleeps in SQLite's busy handler (1, 2, 5 … ms); with it, it waits on the queue's flock and
is woken when the other commits. Prints commits per second and the mean wait for the lock,
each way, twice, alternating.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from exam_app import write_queue  # noqa: E402


def _writer(path: str, queued: bool, seconds: float, work_ms: float, out) -> None:
    connection = sqlite3.connect(path, isolation_level=None, timeout=5)
    connection.execute("PRAGMA synchronous=FULL")
    queue = write_queue.for_database(path) if queued else None
    commits, waited = 0, 0.0
    end = time.time() + seconds
    while time.time() < end:
        busy = time.perf_counter()
        while time.perf_counter() - busy < work_ms / 1000:
            pass
        asked = time.perf_counter()
        if queue is not None:
            queue.__enter__()
        connection.execute("BEGIN IMMEDIATE")
        waited += time.perf_counter() - asked
        connection.execute(
            "UPDATE t SET v = ? WHERE id = ?", (f"{os.getpid()}-{commits}", commits % 1000)
        )
        connection.execute("COMMIT")
        if queue is not None:
            queue.__exit__()
        commits += 1
    out.put((commits, waited))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--seconds", type=float, default=5)
    p.add_argument("--work-ms", type=float, default=1.0)
    args = p.parse_args()
    path = os.path.join(tempfile.mkdtemp(prefix="write-queue-"), "bench.db")
    setup = sqlite3.connect(path, isolation_level=None)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    setup.executemany("INSERT INTO t VALUES (?, 'x')", [(i,) for i in range(1000)])
    context = mp.get_context("fork")
    print(f"two writers, {args.work_ms} ms of work between commits, {args.seconds} s each way")
    for queued in (False, True, False, True):
        out = context.Queue()
        writers = [context.Process(target=_writer, args=(path, queued, args.seconds,
                                                         args.work_ms, out)) for _ in range(2)]  # fmt: skip
        for w in writers:
            w.start()
        results = [out.get() for _ in writers]
        for w in writers:
            w.join()
        commits = sum(r[0] for r in results)
        waited = sum(r[1] for r in results)
        way = "write queue (flock)" if queued else "SQLite's busy handler"
        print(f"{way:22} {commits / args.seconds:7.0f} commits/s   mean wait for the lock "
              f"{waited / commits * 1000:.3f} ms")  # fmt: skip
        setup.execute("PRAGMA wal_checkpoint(TRUNCATE)")


if __name__ == "__main__":
    main()
