"""Which SQLite transaction mode to use: a quick experiment behind exam_app/database.py.

Two processes play page views (a read, ~1 ms of "rendering" inside the transaction, another
read) and two play autosaves (read a row, then update it), for a few seconds per mode, on a
WAL database with a 5 s busy timeout:

- deferred:  every transaction BEGIN (DEFERRED), what pysqlite does by default;
- immediate: every transaction BEGIN IMMEDIATE;
- by-method: pages DEFERRED, saves IMMEDIATE (what the app does: GET vs POST).

Run: .venv/bin/python bench/sqlite_transactions.py
"""

from __future__ import annotations

import multiprocessing as mp
import os
import random
import sqlite3
import tempfile
import time

SECONDS = 4
MODES = ("deferred", "immediate", "by-method")


def _setup(path: str) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE items(id INTEGER PRIMARY KEY, seq INT, body TEXT)")
    conn.executemany("INSERT INTO items VALUES (?, 0, ?)", [(i, "x" * 200) for i in range(1000)])
    conn.commit()
    conn.close()


def _worker(path: str, mode: str, kind: str, out: mp.Queue) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA busy_timeout=5000")
    conn.execute("PRAGMA synchronous=NORMAL")
    immediate = mode == "immediate" or (mode == "by-method" and kind == "save")
    ok = errors = 0
    end = time.time() + SECONDS
    while time.time() < end:
        try:
            conn.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
            row = random.randrange(1000)
            conn.execute("SELECT seq, body FROM items WHERE id = ?", (row,)).fetchone()
            if kind == "page":
                sum(range(20_000))  # rendering a template inside the request's transaction
                conn.execute("SELECT count(*) FROM items").fetchone()
            else:
                conn.execute("UPDATE items SET seq = seq + 1 WHERE id = ?", (row,))
            conn.execute("COMMIT")
            ok += 1
        except sqlite3.OperationalError:
            errors += 1
            if conn.in_transaction:
                conn.execute("ROLLBACK")
    out.put((kind, ok, errors))


def main() -> None:
    print(f"{os.cpu_count()} cores, SQLite {sqlite3.sqlite_version}, {SECONDS} s per mode")
    for mode in MODES:
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "t.db")
            _setup(path)
            out: mp.Queue = mp.Queue()
            kinds = ("page", "page", "save", "save")
            procs = [mp.Process(target=_worker, args=(path, mode, k, out)) for k in kinds]
            for p in procs:
                p.start()
            results = [out.get() for _ in procs]
            for p in procs:
                p.join()
        for kind in ("page", "save"):
            ok = sum(r[1] for r in results if r[0] == kind)
            errors = sum(r[2] for r in results if r[0] == kind)
            per_process = [r[1] for r in results if r[0] == kind]
            print(
                f"{mode:10} {kind}: {ok / SECONDS:8.0f}/s  errors {errors:6}  per process {per_process}"
            )


if __name__ == "__main__":
    main()
