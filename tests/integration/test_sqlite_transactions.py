"""SQLite under concurrent writers: no "database is locked" for read-then-write transactions."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time

import pytest
from sqlalchemy import select, update

from exam_app.extensions import db
from exam_app.models import User
from tests.factories import person


@pytest.fixture
def sqlite_app(app_factory, sqlite_template, tmp_path):
    path = tmp_path / "exam.db"
    shutil.copy(sqlite_template, path)
    app = app_factory(f"sqlite:///{path}")
    with app.app_context():
        person("shared", "staff")
        db.session.commit()
        yield app
        db.session.remove()


def _read_then_write(app, barrier: threading.Barrier, errors: list) -> None:
    # As a POST request (a save) runs it: its own context, session and connection.
    with app.test_request_context("/exams/", method="POST"):
        try:
            barrier.wait(timeout=10)
            name = db.session.scalar(select(User.name).where(User.username == "shared"))
            time.sleep(0.05)  # the other thread reads meanwhile (without IMMEDIATE it would)
            db.session.execute(
                update(User).where(User.username == "shared").values(name=name + "+")
            )
            db.session.commit()
        except Exception as e:  # noqa: BLE001  (reported to the test thread)
            errors.append(e)
        finally:
            db.session.remove()


def test_two_concurrent_read_then_write_transactions_both_succeed(sqlite_app):
    barrier = threading.Barrier(2)
    errors: list[Exception] = []
    threads = [
        threading.Thread(target=_read_then_write, args=(sqlite_app, barrier, errors))
        for _ in range(2)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    name = db.session.scalar(select(User.name).where(User.username == "shared"))
    assert name.endswith("++")  # neither update was lost


def _others_can_write() -> bool:
    other = sqlite3.connect(db.engine.url.database, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # fails at once if the request holds the lock
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


def test_page_views_do_not_take_the_write_lock_but_posts_do(sqlite_app):
    """A GET's transaction is DEFERRED (others may still write); a POST's is IMMEDIATE."""
    for method, others_can_write in (("GET", True), ("POST", False)):
        with sqlite_app.test_request_context("/", method=method):
            db.session.execute(select(User.id)).all()  # opens the request's transaction
            wrote = _others_can_write()
            db.session.remove()
        assert wrote is others_can_write, method


def test_autosave_reads_without_the_write_lock_and_writes_with_it(sqlite_app):
    """The save view is reads_first: a transaction opened by a SELECT is DEFERRED, one
    opened by a write IMMEDIATE, so the lock is held only for the save's UPDATE."""
    with sqlite_app.test_request_context("/exams/attempts/1/answers", method="POST") as ctx:
        assert ctx.request.endpoint == "exams.save"
        db.session.execute(select(User.id)).all()
        assert _others_can_write()
        db.session.commit()
        db.session.execute(update(User).where(User.id == -1).values(name="x"))
        assert not _others_can_write()
        db.session.remove()
    with sqlite_app.test_request_context("/exams/attempts/1/flags", method="POST"):
        db.session.execute(select(User.id)).all()  # other writing views: IMMEDIATE throughout
        assert not _others_can_write()
        db.session.remove()
