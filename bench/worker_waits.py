"""What the app's workers were doing, sampled every 5 ms during the load bench: running (or
ready to run, waiting for a core), waiting for a request to arrive, waiting for PostgreSQL's
answer, waiting their turn for SQLite's write queue, waiting for the disk, or another sleep.

bench/cpu_share.py says how much of the cores each group used; this says why a worker that
did not use a core did not: a sync worker waiting for its fsync or the write queue serves
nobody meanwhile, and one waiting for a request has nothing to serve. Read from each
worker's /proc state and wchan (the kernel function it sleeps in). Waiting for a request
and for PostgreSQL sleep in the same kernel function; the system call tells them apart
(/proc/<pid>/syscall): gunicorn's sync worker waits in select (pselect6 on glibc), psycopg
in poll.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from pathlib import Path

KINDS = ("running or ready", "waiting for a request", "waiting for PostgreSQL",
         "write queue (flock)", "disk", "other sleep")  # fmt: skip
# x86-64 system call numbers: poll, ppoll, epoll_wait, epoll_pwait, epoll_pwait2 (psycopg's
# wait for the server's answer); the sync worker's select is pselect6 (270) or select (23).
_POLLS = {7, 271, 232, 281, 441}


def _waits_for_io(wchan: str) -> bool:
    return "poll_schedule" in wchan or "select" in wchan or "accept" in wchan or "epoll" in wchan


def _kind(state: str, wchan: str, syscall: int | None = None) -> str:
    if state == "R":
        return KINDS[0]
    if _waits_for_io(wchan):
        return KINDS[2] if syscall in _POLLS else KINDS[1]
    if "lock" in wchan and "inode" in wchan:
        return KINDS[3]  # flock: exam_app/write_queue.py
    if state == "D":
        return KINDS[4]  # uninterruptible: the disk (fsync, a page read)
    return KINDS[5]


def _syscall(pid: int | str) -> int | None:
    """The system call a sleeping process (or "pid/task/tid", a thread) is in: the first
    field of its /proc syscall file; None if unreadable."""
    try:
        return int(Path(f"/proc/{pid}/syscall").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


class WaitSampler(threading.Thread):
    def __init__(self, workers):
        super().__init__(daemon=True)
        self.workers = workers  # a callable: the server's worker processes now
        self.stopped = threading.Event()
        self.by_second: dict[int, Counter] = {}

    def run(self) -> None:
        pids, refreshed = [], 0.0
        while not self.stopped.wait(0.005):
            now = time.time()
            if now - refreshed > 2:  # workers may be replaced; listing them costs
                pids, refreshed = [p.pid for p in self.workers()], now
            tally = self.by_second.setdefault(int(now), Counter())
            for pid in pids:
                try:
                    state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
                    wchan = "" if state == "R" else Path(f"/proc/{pid}/wchan").read_text()
                except OSError:
                    continue
                syscall = _syscall(pid) if _waits_for_io(wchan) else None
                tally[_kind(state, wchan, syscall)] += 1

    def share(self, start: float, end: float) -> dict | None:
        """Each kind's share of the workers' samples between two moments, in per cent."""
        total = Counter()
        for second, tally in self.by_second.items():
            if start <= second < end:
                total.update(tally)
        n = sum(total.values())
        if not n:
            return None
        return {kind: round(total[kind] * 100 / n, 1) for kind in KINDS}
