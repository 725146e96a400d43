"""SQLite: the writes past the ORM session queue on an OS lock beside the database
(exam_app/write_queue.py), so a waiting save is woken the moment the one before it is done
instead of sleeping in SQLite's busy handler."""

from __future__ import annotations

import fcntl
import multiprocessing
import threading
import time

import pytest
from flask import current_app
from sqlalchemy import bindparam, select, update

from exam_app import past_session, write_queue
from exam_app.extensions import db
from exam_app.models import User
from tests.integration.test_save_checks_session import sitting  # noqa: F401 (a fixture)


def _hold(lock_path: str, held, release) -> None:
    with open(lock_path, "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        held.set()
        release.wait(30)
        fcntl.flock(f, fcntl.LOCK_UN)


def test_a_write_waits_for_the_writer_before_it_in_another_process(sitting):  # noqa: F811
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's single write lock: PostgreSQL locks rows")
    _web, user, _attempt, _item = sitting
    uid = user.id
    db.session.commit()
    path = db.engine.url.database
    held, release = multiprocessing.Event(), multiprocessing.Event()
    other = multiprocessing.get_context("fork").Process(
        target=_hold, args=(path + "-writers.lock", held, release)
    )
    other.start()
    try:
        assert held.wait(10)
        finished: list[float] = []
        app = current_app._get_current_object()

        def write():
            with app.app_context():
                past_session.write(db.engine, update(User).where(User.id == bindparam("u"))
                                   .values(position="排队"), {"u": uid})  # fmt: skip
            finished.append(time.monotonic())

        thread = threading.Thread(target=write)
        thread.start()
        time.sleep(0.3)
        assert not finished  # still waiting its turn behind the other process
        released_at = time.monotonic()
        release.set()
        thread.join(10)
        assert finished and finished[0] >= released_at
    finally:
        release.set()
        other.join(10)
    db.session.commit()
    assert db.session.scalar(select(User.position).where(User.id == uid)) == "排队"


def test_one_queue_per_database_file_and_process(tmp_path):
    assert write_queue.for_database(None) is None
    assert write_queue.for_database(":memory:") is None
    first = write_queue.for_database(str(tmp_path / "a.db"))
    assert write_queue.for_database(str(tmp_path / "a.db")) is first
    assert write_queue.for_database(str(tmp_path / "b.db")) is not first
    assert (tmp_path / "a.db-writers.lock").exists()


def test_a_process_keeps_a_few_queues_open_not_one_per_database_it_ever_saw(tmp_path):
    first = write_queue.for_database(str(tmp_path / "0.db"))
    with first:  # a writer is in it: it stays open
        for n in range(1, write_queue.KEPT * 3):
            write_queue.for_database(str(tmp_path / f"{n}.db"))
    assert len(write_queue._queues) <= write_queue.KEPT + 1
    assert write_queue.for_database(str(tmp_path / "0.db")) is first
    with first:  # still usable
        pass
