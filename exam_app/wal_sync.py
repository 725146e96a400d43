"""SQLite: a save's sync to the disk, after its response is made and before it leaves.

With `synchronous=FULL` SQLite syncs the WAL inside COMMIT: the worker waits for the disk
(0.3-0.9 ms, bench/RESULTS.md) holding the write lock and the writers' turn
(write_queue.py), so the next writer waits for this one's disk too. Here the rush's writes
past the session (past_session.Transaction in a request: autosave, the submission) commit
at `synchronous=NORMAL` (in the WAL, not yet synced) and let the turn and the lock go; the
WAL file is synced once the response is made, and `DurableResponses`, around the WSGI app,
lets the response go only once that sync has returned. So a page told that its answer is
saved is told so after the disk has it, as before, and the next writer does not wait for
this one's disk.

The sync runs in the request's own thread. It ran in a thread of the worker beside the
making of the response until the nineteenth session: the handing over (a queue, a
handshake so the other thread started at once rather than at the interpreter's next
switch, the GIL going back and forth) cost more CPU than the overlap saved time: inline,
a save alone took 0.91 of its time and the workers' CPU per save under saturation fell
(bench/RESULTS.md).

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
again. The request log's time ends before the sync (the response's last step).

Outside a request (commands, tests calling services) nothing waits for a response, so the
writes there keep FULL.
"""

from __future__ import annotations

import json
import logging
import os

from flask import has_request_context, request

log = logging.getLogger(__name__)

_KEY = "exam_app.wal_syncs"  # the WAL files to sync before the response, in its WSGI environ


def _open_wal(path: str) -> int | None:
    """The database's WAL, opened afresh each time: SQLite deletes it when its last
    connection closes (after a checkpoint that synced the database) and makes another one,
    which a kept descriptor would not reach. None: deleted, so in the synced database."""
    try:
        return os.open(path + "-wal", os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return None


def _sync(fd: int) -> OSError | None:
    try:
        os.fdatasync(fd)
    except OSError as error:
        return error
    finally:
        os.close(fd)
    return None


def deferred() -> bool:
    """Whether a commit now may leave its sync to the response (in a request through
    DurableResponses)."""
    return has_request_context() and request.environ.get(_KEY) is not None


def sync_before_response(path: str) -> None:
    """Sync the WAL of the database at `path` before the response leaves
    (DurableResponses). Only where `deferred()`. Opened now: the file this commit wrote."""
    fd = _open_wal(path)
    if fd is not None:
        request.environ[_KEY].append(fd)


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

        try:
            body = self.app(environ, hold)
        except BaseException:
            for fd in syncs:
                os.close(fd)
            raise
        failed = [error for error in map(_sync, syncs) if error is not None]
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
