"""PostgreSQL without the round trips a request did not need (exam_app/postgres_trips.py):
reads outside a transaction, BEGIN only at the first write, and a writing request still one
transaction that commits or rolls back whole."""

import socket

import pytest
from flask import abort
from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import IntegrityError

from exam_app.extensions import db
from exam_app.models import Department
from exam_app.postgres_trips import closed_by_server, is_plain_read
from exam_app.web.password_change import no_sign_in


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT 1",
        "  select users.id FROM users",
        "(SELECT 1) UNION (SELECT 2)",
        "SELECT count(*) FROM attempts WHERE status = 'in_progress'",
    ],
)
def test_plain_reads(statement):
    assert is_plain_read(statement)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE attempts SET status = 'submitted'",
        "INSERT INTO departments (name) VALUES ('x')",
        "DELETE FROM sessions",
        "WITH moved AS (DELETE FROM a RETURNING *) SELECT * FROM moved",
        "SELECT id FROM attempt_items WHERE id = 1 FOR UPDATE",
        "SELECT id FROM attempts FOR NO KEY UPDATE",
        "SELECT id FROM attempts WHERE id = 2 FOR SHARE",
        "SELECT id FROM attempts FOR KEY SHARE",
        "SELECT pg_advisory_xact_lock(7)",
        "SAVEPOINT sa_savepoint_1",
        "CREATE TABLE t (id int)",
        "LOCK TABLE attempts",
    ],
)
def test_everything_else_begins_a_transaction(statement):
    assert not is_plain_read(statement)


def test_a_connection_the_server_closed_is_seen_without_a_round_trip():
    ours, server = socket.socketpair()
    try:
        assert not closed_by_server(ours.fileno())  # idle and healthy: nothing to read
        server.sendall(b"E")  # a FATAL notice on restart
        assert closed_by_server(ours.fileno())
    finally:
        ours.close()
        server.close()
    a, b = socket.socketpair()
    b.close()  # the end of the stream
    assert closed_by_server(a.fileno())
    a.close()


def test_a_connection_numbered_past_1023_is_still_watched():
    """A worker with many files open hands the pool descriptors past select()'s limit."""
    import os
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1600:
        pytest.skip("the machine allows too few open files")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 1600), hard))
    ours, server = socket.socketpair()
    high = os.dup2(ours.fileno(), 1500)
    try:
        assert not closed_by_server(high)
        server.sendall(b"E")
        assert closed_by_server(high)
    finally:
        os.close(high)
        ours.close()
        server.close()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


@pytest.fixture
def pg_app(app_factory, pg_server, pg_template):
    app = app_factory(pg_server.url(pg_server.create_database(template=pg_template)))

    def status() -> str:
        dbapi = db.session.connection().connection.dbapi_connection
        return dbapi.info.transaction_status.name

    @app.get("/t/read")
    @no_sign_in
    def read():
        db.session.execute(select(func.count()).select_from(Department))
        return status()

    @app.post("/t/write/<name>/<int:then>")
    @no_sign_in
    def write(name: str, then: int):
        db.session.execute(insert(Department).values(name=name))
        seen = status()
        if then == 1:
            db.session.commit()
        elif then == 2:  # a second write fails: the first must not stay
            db.session.execute(insert(Department).values(name=name))
        elif then == 3:  # refused after writing, nothing committed
            abort(409)
        return seen

    app.config["WTF_CSRF_ENABLED"] = False
    return app


def _names(app) -> set[str]:
    with app.app_context():
        names = set(db.session.scalars(select(Department.name)))
        db.session.remove()
    return names


def test_a_request_that_only_reads_opens_no_transaction(pg_app):
    r = pg_app.test_client().get("/t/read")
    assert r.status_code == 200 and r.text == "IDLE"


def test_a_writing_request_is_one_transaction_from_its_first_write(pg_app):
    client = pg_app.test_client()
    r = client.post("/t/write/甲部门/1")
    assert r.text == "INTRANS"
    assert "甲部门" in _names(pg_app)

    r = client.post("/t/write/乙部门/3")
    assert r.status_code == 409
    assert "乙部门" not in _names(pg_app)


def test_a_failed_statement_takes_back_the_writes_before_it(pg_app):
    pg_app.config["PROPAGATE_EXCEPTIONS"] = True
    with pytest.raises(IntegrityError):
        pg_app.test_client().post("/t/write/丙部门/2")
    assert "丙部门" not in _names(pg_app)
    with pg_app.app_context():  # the pool's connection is clean for the next request
        assert db.session.execute(text("SELECT 1")).scalar() == 1
        db.session.remove()


def test_a_statement_is_planned_once_per_connection(pg_app):
    """postgres_trips 3.: every connection the pool opens plans prepared statements once."""
    with pg_app.app_context():
        db.engine.dispose()  # a connection opened now, as a worker's first
        assert db.session.execute(text("SHOW plan_cache_mode")).scalar() == "force_generic_plan"
        db.session.remove()


def test_attempt_items_leave_room_in_each_page(pg_app):
    """Migration d7e2f4a9c1b3 (and the model, for a schema made from it): saves and scores
    rewrite an item's row in its own page (HOT), without new index entries."""
    with pg_app.app_context():
        options = db.session.execute(
            text("SELECT reloptions FROM pg_class WHERE relname = 'attempt_items'")
        ).scalar()
        db.session.remove()
    assert "fillfactor=50" in (options or [])
