"""SQLite: a save's sync to the disk, overlapped with the making of its response.

With `synchronous=FULL` SQLite syncs the WAL inside COMMIT: the worker waits for the disk
(0.3-0.9 ms, bench/RESULTS.md) holding the write lock and the writers' turn
(write_queue.py), and only then makes the response (the view's JSON, Flask's hooks, the
session cookie, the request log: about as long again). Here the rush's writes past the
session (past_session.Transaction in a request: autosave, the submission) commit at
`synchronous=NORMAL` (in the WAL, not yet synced), let the turn go, and a thread of the
worker syncs the WAL file while the response is made; `DurableResponses`, around the WSGI
app, lets the response go only once that sync has returned. So a page told that its answer
is saved is told so after the disk has it, as before, and the next writer does not wait
for this one's disk.

Why the WAL file alone is enough: a commit's frames are appended to it before COMMIT
returns, and syncing the file syncs them and everything before them (what FULL does). A
checkpoint syncs the WAL before copying it into the database and the database before the
WAL is started again, so frames gone from the WAL by then are on the disk in the database.
NORMAL keeps the database consistent through a power cut in WAL mode (SQLite's promise);
what a cut can take back is a commit whose response had not left. Other requests see the
write from its COMMIT, a moment before the disk has it (as they see the start's claim,
attempts.py); anything durable they commit after it syncs it first. A sync that fails makes
the response a 503 (nothing told saved that the disk did not confirm; the write itself
stays, as under NORMAL) and is logged as an error: the page keeps the answer and sends it
again. The request log's time ends before this wait (the response's last step).

Outside a request (commands, tests calling services) nothing waits for a response, so the
writes there keep FULL.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import threading

from flask import has_request_context, request

log = logging.getLogger(__name__)

_KEY = "exam_app.wal_syncs"  # the request's syncs to wait for, in its WSGI environ


def _held() -> threading.Lock:
    lock = threading.Lock()
    lock.acquire()
    return lock


class _Sync:
    """One fdatasync by the worker's sync thread; `wait()` returns its error, if any."""

    def __init__(self, fd: int):
        self.fd, self.error = fd, None
        self.started, self._done = _held(), _held()

    def run(self) -> None:
        # Let the request's thread go on (it waits for this, so the sync starts now rather
        # than when the interpreter next switches threads, ~5 ms later); it needs the GIL
        # back, which fdatasync lets go of.
        self.started.release()
        try:
            os.fdatasync(self.fd)
        except OSError as error:
            self.error = error
        finally:
            os.close(self.fd)
            self._done.release()

    def wait(self) -> OSError | None:
        self._done.acquire()
        return self.error


def _open_wal(path: str) -> int | None:
    """The database's WAL, opened afresh each time: SQLite deletes it when its last
    connection closes (after a checkpoint that synced the database) and makes another one,
    which a kept descriptor would not reach. None: deleted, so in the synced database."""
    try:
        return os.open(path + "-wal", os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return None


class _Syncer:
    """This process's sync thread (a forked worker starts its own)."""

    def __init__(self):
        self.pid = os.getpid()
        self.jobs: queue.SimpleQueue[_Sync] = queue.SimpleQueue()
        threading.Thread(target=self._run, name="wal-sync", daemon=True).start()

    def _run(self) -> None:
        while True:
            self.jobs.get().run()


_syncer: _Syncer | None = None
_starting = threading.Lock()


def _thread() -> _Syncer:
    global _syncer
    syncer = _syncer
    if syncer is None or syncer.pid != os.getpid():
        with _starting:
            if _syncer is None or _syncer.pid != os.getpid():
                _syncer = _Syncer()
            syncer = _syncer
    return syncer


def deferred() -> bool:
    """Whether a commit now may leave its sync to the response (in a request through
    DurableResponses)."""
    return has_request_context() and request.environ.get(_KEY) is not None


def sync_before_response(path: str) -> None:
    """Sync the WAL of the database at `path` while the response is made; the response
    waits for it (DurableResponses). Only where `deferred()`."""
    fd = _open_wal(path)
    if fd is None:
        return
    job = _Sync(fd)
    request.environ[_KEY].append(job)
    _thread().jobs.put(job)
    job.started.acquire()


# The exam page's scripts resend an unsaved answer by themselves; a form is sent again by hand.
_REFUSED_SAVE = (
    "服务器未能确认答案已写入磁盘，本次操作未保存。答案仍保留在页面上，会自动重试；请告知监考老师。"
)
_REFUSED_PAGE = (
    "服务器未能确认数据已写入磁盘，本次操作未完成，请稍后再试；如再次出现，请告知监考老师。"
)


class DurableResponses:
    """WSGI middleware: a response leaves only after the syncs its request asked for."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        syncs = environ[_KEY] = []
        started = []

        def hold(status, headers, exc_info=None):
            started[:] = [status, headers, exc_info]
            return _no_write

        body = self.app(environ, hold)
        failed = [error for error in (job.wait() for job in syncs) if error is not None]
        environ[_KEY] = None  # a write while a streamed body is sent syncs in its COMMIT
        if failed:
            log.error("WAL sync failed, response refused: %s path=%s", failed[0],
                      environ.get("PATH_INFO"))  # fmt: skip
            if hasattr(body, "close"):
                body.close()
            return _refusal(environ, start_response)
        start_response(*started)
        return body


def _refusal(environ, start_response) -> list[bytes]:
    """503 in the page's terms: JSON for the exam page's scripts (attempt.js keeps the
    answer and sends it again), a short page otherwise."""
    if "application/json" in environ.get("HTTP_ACCEPT", ""):
        kind, text = "application/json", json.dumps({"ok": False, "error": _REFUSED_SAVE})
    else:
        kind, text = "text/html", f"<!doctype html><meta charset=utf-8><p>{_REFUSED_PAGE}</p>"
    body = text.encode()
    start_response("503 Service Unavailable", [
        ("Content-Type", f"{kind}; charset=utf-8"), ("Cache-Control", "no-store"),
        ("Content-Length", str(len(body)))])  # fmt: skip
    return [body]


def _no_write(_data) -> None:
    raise RuntimeError("write() is not supported; return the body")
