"""SQLite: a save's WAL is synced once its response is made, and the response leaves only
after the disk has it (exam_app/wal_sync.py); a sync that fails is never told saved."""

from __future__ import annotations

import errno
import os
import shutil
import threading

import pytest
from sqlalchemy import create_engine, event, select

from exam_app import past_session, wal_sync
from exam_app.extensions import db
from exam_app.models import AttemptItem
from tests.factories import key_response
from tests.integration.test_save_checks_session import sitting  # noqa: F401 (a fixture)
from tests.integration.test_start_commit import _sent

NORMAL, FULL = 1, 2  # SQLite's PRAGMA synchronous levels


@pytest.fixture
def database_url(tmp_path, sqlite_template) -> str:
    """SQLite only (PostgreSQL syncs its own WAL in COMMIT, as it always did)."""
    path = tmp_path / "exam.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def open_sitting(sitting):  # noqa: F811
    """An all-objective paper started, one answer saved (seq 1): its client, attempt, item."""
    web, _user, attempt, item = sitting
    return web, attempt, item


def _body(item, seq: int) -> dict:
    return {"position": item.position, "seq": seq, "response": key_response(item.snapshot)}


def _path(fd: int) -> str:
    return os.readlink(f"/proc/self/fd/{fd}")


def _stored(item_id: int):
    """The item's stored answer as another connection sees it (committed, not the session)."""
    engine = create_engine(db.engine.url)
    try:
        with engine.connect() as connection:
            query = select(AttemptItem.save_seq).where(AttemptItem.id == item_id)
            return connection.execute(query).scalar()
    finally:
        engine.dispose()


def test_a_save_is_told_saved_only_once_the_disk_has_it(open_sitting, app, monkeypatch):
    web, attempt, item = open_sitting
    real, synced = os.fdatasync, []
    entered, release = threading.Event(), threading.Event()

    def held_sync(fd):
        synced.append(_path(fd))
        entered.set()
        assert release.wait(10)
        real(fd)

    monkeypatch.setattr(os, "fdatasync", held_sync)
    answered = {}
    url = f"/exams/attempts/{attempt.id}/answers"
    body = _body(item, 2)

    def save():
        with app.app_context():
            answered["r"] = web.post_json(url, body)

    post = threading.Thread(target=save)
    post.start()
    try:
        assert entered.wait(10), "the save asked for no sync"
        # Committed (another connection reads it), its writers' turn let go, and the
        # response still held while the disk works.
        assert _stored(item.id) == 2
        post.join(0.3)
        assert post.is_alive() and "r" not in answered
    finally:
        release.set()
        post.join(10)
    r = answered["r"]
    assert r.status_code == 200 and r.json["saved"] and r.json["seq"] == 2, r.json
    assert synced == [os.path.realpath(db.engine.url.database) + "-wal"]


def _wal_descriptors() -> int:
    wal = os.path.realpath(db.engine.url.database) + "-wal"
    return sum(1 for fd in os.listdir("/proc/self/fd") if _readable(fd) == wal)


def _readable(fd: str) -> str | None:
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:  # the listing's own descriptor, gone by now
        return None


def test_each_sync_closes_what_it_opened(open_sitting, monkeypatch):
    """The WAL is opened afresh for each sync (SQLite may have replaced the file) and
    closed after it, synced or failed: a worker saving all day keeps no descriptors."""
    web, attempt, item = open_sitting
    url = f"/exams/attempts/{attempt.id}/answers"
    assert web.post_json(url, _body(item, 2)).status_code == 200  # the pool's connections open
    before = _wal_descriptors()
    for seq in range(3, 8):
        assert web.post_json(url, _body(item, seq)).status_code == 200
    monkeypatch.setattr(os, "fdatasync", lambda _fd: (_ for _ in ()).throw(OSError(errno.EIO, "")))
    assert web.post_json(url, _body(item, 8)).status_code == 503
    assert _wal_descriptors() == before


def test_a_save_commits_without_waiting_and_the_pool_keeps_full(open_sitting, monkeypatch):
    """The UPDATE commits at NORMAL (the sync is wal_sync's), and the connection goes back
    to the pool at FULL, so every other write (the ORM's) still syncs in its COMMIT."""
    web, attempt, item = open_sitting
    synced = []
    real = os.fdatasync
    monkeypatch.setattr(os, "fdatasync", lambda fd: (synced.append(_path(fd)), real(fd)))
    r, seen = _sent(web, "post_json", f"/exams/attempts/{attempt.id}/answers",
                    _body(item, 2))  # fmt: skip
    assert r.status_code == 200 and r.json["saved"], r.json
    assert [level for verb, level in seen if verb == "UPDATE ATTEMPT_ITEMS SET"] == [NORMAL]
    assert len(synced) == 1
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == FULL


def test_a_failed_sync_is_refused_and_sent_again(open_sitting, monkeypatch, caplog):
    """The disk did not confirm: nothing is told saved (or submitted); the page keeps the
    answer and sends it again (attempt.js), and is told what the server keeps."""
    web, attempt, item = open_sitting
    real = os.fdatasync

    def failing(_fd):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "fdatasync", failing)
    url = f"/exams/attempts/{attempt.id}/answers"
    r = web.post_json(url, _body(item, 2))
    assert r.status_code == 503
    assert r.json["ok"] is False and "未能确认" in r.json["error"]
    assert r.headers["Cache-Control"] == "no-store"
    assert any("WAL sync failed" in m for m in caplog.messages)
    monkeypatch.setattr(os, "fdatasync", real)
    r = web.post_json(url, _body(item, 2))
    assert r.status_code == 200 and r.json["seq"] == 2, r.json
    # 交卷, a form's POST, hears it as a page; sent again, it leads to the result.
    monkeypatch.setattr(os, "fdatasync", failing)
    r = web.post(f"/exams/attempts/{attempt.id}/submit")
    assert r.status_code == 503 and "未能确认" in r.text and r.mimetype == "text/html"
    monkeypatch.setattr(os, "fdatasync", real)
    r = web.post(f"/exams/attempts/{attempt.id}/submit")
    assert r.status_code == 302 and r.location.endswith(f"/attempts/{attempt.id}/result")


def test_the_submission_waits_for_its_sync(open_sitting, monkeypatch):
    web, attempt, _item = open_sitting
    synced, real = [], os.fdatasync
    monkeypatch.setattr(os, "fdatasync", lambda fd: (synced.append(_path(fd)), real(fd)))
    r = web.post(f"/exams/attempts/{attempt.id}/submit")
    assert r.status_code == 302
    assert synced == [os.path.realpath(db.engine.url.database) + "-wal"]


def test_outside_a_response_a_write_syncs_in_its_commit(open_sitting, app, monkeypatch):
    """Commands and services called without a response to hold (and a request context not
    served through the WSGI app) commit at FULL: SQLite syncs before COMMIT returns."""
    _web, _attempt, item = open_sitting
    levels = []
    monkeypatch.setattr(os, "fdatasync", lambda fd: pytest.fail("no deferred sync here"))
    bump = (
        AttemptItem.__table__.update()
        .where(AttemptItem.id == item.id)
        .values(save_seq=AttemptItem.save_seq + 1)
    )

    def listener(_conn, cursor, statement, *_args):
        levels.append(cursor.connection.execute("PRAGMA synchronous").fetchone()[0])

    db.session.commit()
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        for context in (app.app_context(), app.test_request_context()):
            with context:
                assert not wal_sync.deferred()
                assert past_session.write(db.engine, bump, {})[0] == 1
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert levels == [FULL, FULL]


def test_a_response_that_never_came_leaves_no_descriptor(tmp_path):
    """Should the app itself raise (Flask answers its views' errors, but a middleware inside
    may not), the WAL files opened for the sync are closed, not left to the worker."""
    wal = tmp_path / "exam.db-wal"
    wal.write_bytes(b"")
    opened = []

    def failing_app(environ, _start_response):
        opened.append(os.open(wal, os.O_RDONLY))
        environ[wal_sync._KEY].append(opened[-1])
        raise RuntimeError("inside the app")

    with pytest.raises(RuntimeError):
        wal_sync.DurableResponses(failing_app)({}, lambda *_a: None)
    with pytest.raises(OSError):
        os.fstat(opened[0])
