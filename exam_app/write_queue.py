"""SQLite: the rush's writers wait their turn on an OS lock, woken the moment it is free.

SQLite has one write lock per database. A writer that finds it taken is put to sleep by
SQLite's busy handler for 1, 2, 5, 10 … ms before it tries again, while the write it waits
for (an autosave: one UPDATE and the commit's fsync) holds the lock for about 0.3 ms. With
two workers saving at once, most of a waiting save's time was that sleep (bench/RESULTS.md).
Here the writes past the ORM session (past_session.Transaction: autosave, the start's claim,
the submission) first take an exclusive `flock` on a file beside the database: the kernel
wakes the next waiter as soon as the holder lets go, so BEGIN IMMEDIATE then finds SQLite's
lock free. A thread lock orders the threads of one process (flock does not: it belongs to
the open file, which they share).

Only an order among these writers: SQLite's lock stays the one that protects the data, and
any other writer (the ORM session, a flask command, the checkpointer) still takes its turn
through SQLite's busy handler as before. The kernel drops a dead process's flock.
"""

from __future__ import annotations

import fcntl
import os
import threading


class WriteQueue:
    def __init__(self, path: str):
        self._file = open(path, "a")  # noqa: SIM115 (held for the process's life)
        self._threads = threading.Lock()

    def __enter__(self) -> WriteQueue:
        self._threads.acquire()
        try:
            fcntl.flock(self._file, fcntl.LOCK_EX)
        except BaseException:
            self._threads.release()
            raise
        return self

    def __exit__(self, *_exc) -> None:
        try:
            fcntl.flock(self._file, fcntl.LOCK_UN)
        finally:
            self._threads.release()

    def close_if_idle(self) -> bool:
        """Closes the file unless a writer is in it (closing drops the flock too)."""
        if not self._threads.acquire(blocking=False):
            return False
        try:
            self._file.close()
        finally:
            self._threads.release()
        return True


_queues: dict[tuple[int, str], WriteQueue] = {}
_opening = threading.Lock()
KEPT = 16  # a server has one database; tests open thousands, one after another


def for_database(path: str | None) -> WriteQueue | None:
    """The queue of a database file (None for an in-memory one: one connection, no turns),
    opened once per process (a forked worker opens its own)."""
    if not path or path == ":memory:":
        return None
    key = (os.getpid(), os.path.abspath(path))
    queue = _queues.get(key)
    if queue is None:
        with _opening:
            queue = _queues.get(key)
            if queue is None:
                for old in list(_queues)[: max(0, len(_queues) - KEPT + 1)]:  # oldest first
                    if _queues[old].close_if_idle():
                        del _queues[old]
                queue = _queues[key] = WriteQueue(key[1] + "-writers.lock")
    return queue
