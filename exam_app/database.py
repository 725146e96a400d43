"""Engine settings that depend on the database kind.

SQLite write transactions: Python's sqlite3 opens transactions DEFERRED, so a request that
reads and then writes holds only a read snapshot until its first write. If another worker
committed in between, SQLite cannot upgrade the stale snapshot and fails at once with
"database is locked" (SQLITE_BUSY_SNAPSHOT) whatever the busy timeout. BEGIN IMMEDIATE takes
the write lock up front, so writers queue on the busy timeout instead of failing.

But a whole request is one transaction here (the session ends at teardown), so BEGIN
IMMEDIATE on a page view would hold the write lock while the template renders. Measured with
`python bench/sqlite_transactions.py` (2 processes reading pages, 2 saving, 2 cores, WAL):
IMMEDIATE for everything: saves 250-780/s and one process starved; DEFERRED: thousands of
"database is locked"; IMMEDIATE only for writing requests: saves 8,000-10,800/s, no errors,
page views as fast as with DEFERRED.
So: POST and other unsafe requests and flask commands begin IMMEDIATE; GET and
HEAD begin DEFERRED, and the rare GET that writes (closing an overdue attempt) and meets a
busy snapshot is run once more with IMMEDIATE (see `_retry_read_request_as_writer`).

Autosave, the one writing request sent thousands of times a minute, is marked `reads_first`:
its transactions begin as their first statement asks (DEFERRED for a SELECT, IMMEDIATE for
a write). It reads (who is signed in, which item) in one transaction, commits, and writes in
a second one of a single conditional UPDATE, so the write lock is held for that statement
instead of the whole request, and two workers are no longer serialised on it.

Durability and checkpoints: `synchronous=FULL` syncs the WAL at every commit, so an answer
the page was told is saved survives a power cut (NORMAL syncs only at checkpoints: a power
cut could take back the last seconds of acknowledged saves). A sync costs ~0.2 ms on this
kind of disk (bench/RESULTS.md). SQLite's automatic checkpoint runs inside whichever
request's COMMIT pushed the WAL past 1,000 pages, copying and syncing megabytes while that
worker's candidates wait; so requests never checkpoint (`wal_autocheckpoint=0`) and one
thread per server does it in the background (see `_Checkpointer`), without blocking readers
or writers (PASSIVE).
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time

import click
from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from exam_app import past_session, postgres_trips, wal_sync
from exam_app.extensions import db

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def _sqlite_pragmas(dbapi_connection, autocheckpoint: int) -> None:
    # We issue BEGIN ourselves (below); pysqlite's own implicit BEGIN is switched off.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # WAL lets candidates read while another saves; the busy timeout makes writers wait
    # their turn instead of failing with "database is locked".
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute(f"PRAGMA wal_autocheckpoint={int(autocheckpoint)}")
    cursor.close()


log = logging.getLogger("exam_app.sqlite")


class _Checkpointer(threading.Thread):
    """Copies the WAL into the database file every `every` seconds once it holds more than
    `wal_bytes`, on a connection of its own. One process among the workers does it (an
    flock on a file beside the database; another takes over if that process dies).
    PASSIVE: it copies what no reader still needs and never waits for a lock, so requests
    are not held up. Then the saves that landed during that copy: see `_catch_up`."""

    def __init__(self, path: str, every: float, wal_bytes: int):
        super().__init__(name="sqlite-checkpoint", daemon=True)
        self.path, self.every, self.wal_bytes = path, every, wal_bytes

    def run(self) -> None:
        import sqlite3

        lock = open(self.path + "-checkpoint.lock", "a")  # noqa: SIM115 (held for life)
        connection = None
        last_written = None
        while os.path.exists(self.path):
            time.sleep(self.every)
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # held from then on
            except BlockingIOError:
                continue  # another worker checkpoints
            try:
                wal = os.stat(self.path + "-wal")
            except FileNotFoundError:  # no connection open: SQLite removed it when closing
                continue
            # The WAL keeps its size once grown (it is reused from its start): unchanged
            # since the last checkpoint means nothing new to copy (nor to log every second).
            if wal.st_size < self.wal_bytes or wal.st_mtime_ns == last_written:
                continue
            last_written = wal.st_mtime_ns
            caught_up = None
            try:
                connection = connection or sqlite3.connect(self.path, timeout=0)
                started = time.perf_counter()
                busy, frames, copied = connection.execute(
                    "PRAGMA wal_checkpoint(PASSIVE)"
                ).fetchall()[0]
                if not busy and copied == frames:
                    caught_up = _catch_up(connection)
                log.info("checkpoint frames=%s copied=%s busy=%s caught_up=%s duration_ms=%.1f",
                         frames, copied, busy, caught_up,
                         (time.perf_counter() - started) * 1000)  # fmt: skip
            except (OSError, sqlite3.Error) as error:
                log.warning("checkpoint failed: %s", error)


def _catch_up(connection) -> bool:
    """Copy what was committed during the PASSIVE copy too, so the WAL is wholly in the
    database and the next commit writes it again from its start. Otherwise, with saves
    landing every few milliseconds, some always land during the copy: the WAL never starts
    again and grows for as long as the exam runs, and a commit that grows the file costs
    its fsync twice over (the file's new size is synced with it: 0.35-0.50 ms against
    0.18-0.25 ms in place, bench/RESULTS.md). FULL holds the write lock while it copies:
    a few frames here, so a save waits a fraction of a millisecond, once a second. It waits
    at most 5 ms (for the save in flight, or a page still reading older frames) and then
    gives up until the next round rather than keep saves waiting longer."""
    connection.execute("PRAGMA busy_timeout=5")
    try:
        busy, frames, copied = connection.execute("PRAGMA wal_checkpoint(FULL)").fetchall()[0]
    finally:
        connection.execute("PRAGMA busy_timeout=0")
    return not busy and copied == frames


_checkpointers: dict[tuple[int, str], _Checkpointer] = {}


def _start_checkpointer(app: Flask, path: str) -> None:
    """Once per process and database (after a fork, the worker starts its own)."""
    key = (os.getpid(), path)
    if key not in _checkpointers:
        _checkpointers[key] = thread = _Checkpointer(
            path, app.config["SQLITE_CHECKPOINT_EVERY"], app.config["SQLITE_CHECKPOINT_BYTES"]
        )
        thread.start()


def _writes_expected() -> bool:
    if has_request_context():
        return request.method not in SAFE_METHODS or g.get("sqlite_write_retry", False)
    # A flask command (close-overdue from cron, setup, load-content) runs beside the workers.
    # Other code outside a request (tests reading between requests, shells) stays DEFERRED,
    # as pysqlite was: holding the write lock there would block the next request.
    return click.get_current_context(silent=True) is not None


def end_reads() -> None:
    """In a `reads_first` view, between its reads and its write. SQLite: commit the read
    transaction, so the write begins IMMEDIATE with a fresh snapshot instead of upgrading a
    stale one (SQLITE_BUSY_SNAPSHOT). PostgreSQL needs no such thing: the write goes on in
    the same transaction, sparing a COMMIT and a BEGIN (two round trips) per save."""
    if db.engine.dialect.name == "sqlite":
        session = _session_if_made()
        if session is None or not session.in_transaction():
            return  # nothing was read (the session is checked by the write itself)
        # Without expiring what was read: it is read again only where it may have changed,
        # and every write that follows is conditional (on status, owner, deadline).
        session.expire_on_commit = False
        try:
            session.commit()
        finally:
            session.expire_on_commit = True


def reads_first(view):
    """Mark a writing view that reads in one transaction and writes in the next (see above):
    its writes must hold on their own, as conditional statements, since what it read may
    have changed by the time it writes."""
    view.sqlite_reads_first = True
    return view


def _reads_first() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, "sqlite_reads_first", False) and not g.get("sqlite_write_retry")


_BY_STATEMENT = "by statement"


def _begin(conn) -> None:
    # Emitted with the transaction's first statement rather than here: a PRAGMA (the
    # migrations' `foreign_keys=OFF`, a WAL checkpoint) only works outside a transaction,
    # and pysqlite never opened one for it either.
    if has_request_context() and _reads_first():
        conn.info["sqlite_begin"] = _BY_STATEMENT
    else:
        conn.info["sqlite_begin"] = "BEGIN IMMEDIATE" if _writes_expected() else "BEGIN"


def _emit_begin(conn, cursor, statement, _parameters, _context, _executemany) -> None:
    if conn is None:  # sent by past_session, which begins its own
        return
    verb = statement.lstrip()[:6].upper()
    if (pending := conn.info.get("sqlite_begin")) and verb != "PRAGMA":
        del conn.info["sqlite_begin"]
        if pending == _BY_STATEMENT:
            pending = "BEGIN" if verb == "SELECT" else "BEGIN IMMEDIATE"
        cursor.execute(pending)


def _end(conn) -> None:
    conn.info.pop("sqlite_begin", None)


def _is_busy(error: OperationalError) -> bool:
    return "database is locked" in str(error.orig)


def _retry_read_request_as_writer(error: OperationalError):
    """A GET (or a reads-first view) that wrote on a stale snapshot: run the view again,
    holding the write lock from the start."""
    began_deferred = request.method in SAFE_METHODS or _reads_first()
    if not began_deferred or not _is_busy(error) or g.get("sqlite_write_retry"):
        raise error
    db.session.rollback()
    g.sqlite_write_retry = True
    return current_app.dispatch_request()


def _session_if_made():
    """The request's ORM session if anything made it, else None. `db.session()` would make
    one (and teardown remove it) only to learn it holds nothing: at the rush a save and
    「我的考试」 never use it."""
    registry = db.session.registry
    return registry() if registry.has() else None


def session_idle() -> bool:
    """The request's session holds no transaction: a statement may go past it
    (past_session.py) without waiting on locks of its own."""
    session = _session_if_made()
    return session is None or not session.in_transaction()


def read_alone(statement, params: dict) -> list:
    """The rows of one SELECT that is a whole read by itself (a rush page's one statement),
    as tuples read by position: past the session when it holds nothing (past_session.py),
    else in it."""
    if session_idle():
        return past_session.read(db.engine, statement, params)
    return db.session.connection().execute(statement, params).all()


def run_alone(statement, params: dict, *, durable: bool = True):
    """Execute one statement that is a whole transaction by itself (autosave's UPDATE, the
    start's claim), committed before this returns; the result is read within. Returns
    (rowcount, first row or None). `durable=False` lets the commit return before the disk
    has it, past the session only (past_session.write says when that is safe).

    Past the session when it holds nothing (past_session.py): on SQLite BEGIN IMMEDIATE,
    the statement and COMMIT; on PostgreSQL the statement alone on a connection in
    autocommit, atomic and durable by itself and one round trip (psycopg would send BEGIN
    and COMMIT as two more, each a wait on a server that shares the machine). Else in the
    request's session (SQLite), or alone on a connection of its own (PostgreSQL)."""
    if session_idle():
        return past_session.write(db.engine, statement, params, durable=durable)
    if db.engine.dialect.name == "sqlite":
        result = db.session.connection().execute(statement, params)
        outcome = result.rowcount, (result.first() if result.returns_rows else None)
        db.session.commit()
        return outcome
    with db.engine.connect() as connection:
        if not connection.connection.dbapi_connection.autocommit:  # outside a request
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        result = connection.execution_options(**{postgres_trips.ALONE: True}).execute(
            statement, params
        )
        return result.rowcount, (result.first() if result.returns_rows else None)


def run_alone_then_read(statement, params: dict, reading, *, durable: bool = True):
    """run_alone, then `reading`, a SELECT with the same parameters that sees what it
    committed: (rowcount, first row or None, the SELECT's rows). Past the session on
    PostgreSQL the SELECT follows the COMMIT in the same round trip (the start's claim and
    the exam page's heading: one wait on the server instead of two)."""
    if session_idle():
        return past_session.write_and_read(db.engine, statement, params, reading, durable=durable)
    count, row = run_alone(statement, params, durable=durable)
    return count, row, read_alone(reading, params)


def configure(app: Flask) -> None:
    """Before the engine is made. A server connection can go stale (PostgreSQL restarted);
    `postgres_trips` notices that without the round trip `pool_pre_ping` would cost on
    every checkout. A SQLite file cannot go stale."""
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    options.setdefault("pool_pre_ping", False)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def init_app(app: Flask) -> None:
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        with app.app_context():
            postgres_trips.init_app(app, db.engine)
        return
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    app.config["INSTANCE_DIR"].mkdir(parents=True, exist_ok=True)
    with app.app_context():
        path = db.engine.url.database
        background = bool(app.config["SQLITE_CHECKPOINT_EVERY"] and path and path != ":memory:")

        def _connected(dbapi_connection, _record) -> None:
            # In the background, or SQLite's own after a commit past 1,000 pages.
            _sqlite_pragmas(dbapi_connection, 0 if background else 1000)
            if background:
                _start_checkpointer(app, os.path.abspath(path))

        event.listen(db.engine, "connect", _connected)
        event.listen(db.engine, "begin", _begin)
        event.listen(db.engine, "before_cursor_execute", _emit_begin)
        event.listen(db.engine, "commit", _end)
        event.listen(db.engine, "rollback", _end)
    if path and path != ":memory:":  # a response waits for its writes' sync (wal_sync.py)
        app.wsgi_app = wal_sync.DurableResponses(app.wsgi_app)
    app.register_error_handler(OperationalError, _retry_read_request_as_writer)
