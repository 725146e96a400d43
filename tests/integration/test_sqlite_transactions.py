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


def test_page_views_do_not_take_the_write_lock_but_posts_do(sqlite_app):
    """A GET's transaction is DEFERRED (others may still write); a POST's is IMMEDIATE."""
    for method, others_can_write in (("GET", True), ("POST", False)):
        with sqlite_app.test_request_context("/", method=method):
            db.session.execute(select(User.id)).all()  # opens the request's transaction
            other = sqlite3.connect(db.engine.url.database, timeout=0, isolation_level=None)
            try:
                other.execute("BEGIN IMMEDIATE")  # fails at once if the request holds the lock
                other.execute("ROLLBACK")
                wrote = True
            except sqlite3.OperationalError:
                wrote = False
            finally:
                other.close()
            db.session.remove()
        assert wrote is others_can_write, method
