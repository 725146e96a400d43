"""What a durable SQLite commit costs on this disk, back to back and spaced as requests are.

Run (from the repository):
  .venv/bin/python bench/commit_latency.py [--commits 2000] [--gap-ms 3]

Autosave's COMMIT is one WAL frame (a 24-byte header and a 4 KB page) and one fdatasync
(`synchronous=FULL`, exam_app/database.py). The cost phase of bench/load_bench.py sends
one request at a time, so each save's sync comes after a few milliseconds in which the
disk had nothing to do; at the rush the syncs follow each other closely. This times the
same commit both ways, with SQLite as the app opens it (WAL, FULL, no automatic
checkpoint, the WAL started again by a checkpoint now and then, as the app's checkpointer
does), and a bare write-and-fdatasync of one frame beside it, so what the disk costs is
told from what SQLite adds. The modes alternate in short rounds so they share the host's
moments. The files live in a temporary folder in the repository: the same file system as
the default database (instance/).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.request_times import percentile  # noqa: E402

FRAME = 24 + 4096  # a WAL frame: its header, then the page


def _percentiles(values: list[float]) -> str:
    values = sorted(values)
    p10, p90 = (percentile(values, q) * 1000 for q in (0.1, 0.9))
    return f"{p10:6.3f} {statistics.median(values) * 1000:6.3f} {p90:6.3f}"


class _Database:
    def __init__(self, folder: Path):
        self.db = sqlite3.connect(folder / "commit.db", isolation_level=None)
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "wal_autocheckpoint=0"):
            self.db.execute(f"PRAGMA {pragma}").fetchall()
        self.db.execute("CREATE TABLE answers (id INTEGER PRIMARY KEY, response TEXT)")
        self.db.execute("BEGIN")
        self.db.executemany("INSERT INTO answers VALUES (?, ?)", ((n, "") for n in range(20000)))
        self.db.execute("COMMIT")
        self.n = 0

    def commit(self) -> float:
        # A value never written before: SQLite skips a frame whose page did not change.
        self.n += 1
        self.db.execute("BEGIN IMMEDIATE")
        self.db.execute("UPDATE answers SET response = ? WHERE id = ?",
                        (f"B-{self.n}", self.n * 37 % 20000))  # fmt: skip
        started = time.perf_counter()
        self.db.execute("COMMIT")
        elapsed = time.perf_counter() - started
        if self.n % 500 == 0:  # as the app's checkpointer: the WAL is written again in place
            self.db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        return elapsed


class _RawFile:
    """One frame written after the last and synced, in a file as large as the WAL gets."""

    def __init__(self, folder: Path):
        self.fd = os.open(folder / "raw.bin", os.O_RDWR | os.O_CREAT)
        os.write(self.fd, b"\0" * (FRAME * 600))
        os.fsync(self.fd)
        self.offset = 32

    def commit(self) -> float:
        os.pwrite(self.fd, os.urandom(FRAME), self.offset)
        self.offset = 32 if self.offset > FRAME * 500 else self.offset + FRAME
        started = time.perf_counter()
        os.fdatasync(self.fd)
        return time.perf_counter() - started


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--commits", type=int, default=2000, help="per mode")
    p.add_argument("--gap-ms", type=float, default=3.0, help="the pause of a spaced commit")
    p.add_argument("--rounds", type=int, default=10)
    args = p.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="commit-latency-", dir=ROOT))
    try:
        targets = {"SQLite COMMIT": _Database(folder), "write + fdatasync": _RawFile(folder)}
        times: dict[tuple[str, str], list[float]] = {}
        per_round = max(1, args.commits // args.rounds)
        for n in range(args.rounds):
            modes = [("back to back", 0.0), (f"spaced {args.gap_ms:g} ms", args.gap_ms / 1000)]
            for mode, gap in modes if n % 2 == 0 else modes[::-1]:
                for name, target in targets.items():
                    for _ in range(per_round):
                        if gap:
                            time.sleep(gap)
                        times.setdefault((name, mode), []).append(target.commit())
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(
        f"{'':20} {'':16} {'p10 ms':>6} {'p50 ms':>6} {'p90 ms':>6}   {per_round * args.rounds} each"
    )
    for (name, mode), values in times.items():
        print(f"{name:20} {mode:16} {_percentiles(values)}")


if __name__ == "__main__":
    main()
