"""SQLite: every commit is synced (an acknowledged save survives a power cut) and no request
pays for a WAL checkpoint: a background thread does them (exam_app/database.py)."""

from __future__ import annotations

import logging
import os
import time

import pytest
from sqlalchemy import text

from exam_app.extensions import db


@pytest.fixture
def sqlite_url(tmp_path, sqlite_template) -> str:
    import shutil

    path = tmp_path / "exam.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


def _pragma(name: str):
    return db.session.execute(text(f"PRAGMA {name}")).scalar()


def test_commits_are_synced_and_requests_never_checkpoint(app_factory, sqlite_url):
    app = app_factory(sqlite_url)
    app.config.update(SQLITE_CHECKPOINT_EVERY=1)
    with app.app_context():
        assert _pragma("synchronous") == 2  # FULL: the WAL is synced at every commit
        assert _pragma("journal_mode") == "wal"
    # conftest turns the thread off for other tests; an app built with it on:
    from exam_app import create_app

    live = create_app({"SQLALCHEMY_DATABASE_URI": sqlite_url, "TESTING": True,
                       "SQLITE_CHECKPOINT_EVERY": 0.05})  # fmt: skip
    with live.app_context():
        assert _pragma("wal_autocheckpoint") == 0
        db.session.remove()
        db.engine.dispose()


def test_the_background_thread_checkpoints_a_growing_wal(tmp_path, sqlite_url, caplog):
    from exam_app import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": sqlite_url, "TESTING": True,
                      "SQLITE_CHECKPOINT_EVERY": 0.05, "SQLITE_CHECKPOINT_BYTES": 64 * 1024})  # fmt: skip
    path = sqlite_url.removeprefix("sqlite:///")
    caplog.set_level(logging.INFO, logger="exam_app.sqlite")
    with app.app_context():
        db.session.execute(text("CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT)"))
        for _n in range(50):  # ~1 MB through the WAL, 50 commits of 20 KB
            db.session.execute(text("INSERT INTO filler (body) VALUES (:b)"), {"b": "x" * 20_000})
            db.session.commit()
        assert os.path.getsize(path + "-wal") > 64 * 1024  # no commit checkpointed it
        deadline = time.time() + 10
        while time.time() < deadline and "checkpoint frames=" not in caplog.text:
            time.sleep(0.05)
        assert "checkpoint frames=" in caplog.text
        # Everything copied into the database: a new writer may start the WAL from the top.
        busy, frames, copied = db.session.execute(text("PRAGMA wal_checkpoint(PASSIVE)")).one()
        assert busy == 0 and copied == frames
        db.session.remove()
        db.engine.dispose()


def test_the_wal_starts_again_while_commits_keep_coming(tmp_path, sqlite_url, caplog):
    """At the rush a save lands every few milliseconds, so some always land while the
    PASSIVE copy runs; the checkpointer then copies those too (database._catch_up), and the
    next commit writes the WAL from its start: the file stays the size of a round's commits
    instead of growing with everything written (a growing file's fsync costs twice)."""
    from exam_app import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": sqlite_url, "TESTING": True,
                      "SQLITE_CHECKPOINT_EVERY": 0.05, "SQLITE_CHECKPOINT_BYTES": 64 * 1024})  # fmt: skip
    path = sqlite_url.removeprefix("sqlite:///")
    caplog.set_level(logging.INFO, logger="exam_app.sqlite")
    written = 0
    with app.app_context():
        db.session.execute(text("CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT)"))
        db.session.commit()
        stop = time.time() + 2.0
        while time.time() < stop:
            # A commit every millisecond or so, as two workers' saves land at the rush: never
            # a quiet moment as long as a copy, but the write lock is free between commits,
            # as it is between requests. (Back to back, in one loop, the writer held it
            # nearly always, and the catch-up's 5 ms wait missed it ten rounds running on a
            # fast disk: the WAL grew meanwhile and keeps that size.)
            db.session.execute(text("INSERT INTO filler (body) VALUES (:b)"), {"b": "x" * 3000})
            db.session.commit()
            written += 4096
            time.sleep(0.0005)
        wal = os.path.getsize(path + "-wal")
        db.session.remove()
        db.engine.dispose()
    # Well under what went through it: the WAL was written again from its start.
    assert written > 1 << 20 and wal < written / 2, (wal, written)
    assert "caught_up=True" in caplog.text
