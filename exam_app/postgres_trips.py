"""PostgreSQL round trips: the server answers each statement over a socket, and at the rush
it shares the machine with the workers, so every wait on that socket costs a request more
than SQLite's whole statement. Counted by `bench/request_costs.py --db postgresql`, a
save was two round trips (the pool's ping, the UPDATE) and a page that only reads had
three more than its statements (ping, BEGIN, ROLLBACK). Two things take those away:

1. **No ping per checkout.** `pool_pre_ping` sends `SELECT 1` each time a connection
   leaves the pool. A connection the server has closed (restart, administrator, idle
   timeout) is seen without one: the server writes its FATAL notice and closes, so the
   socket is readable while the connection sits in the pool, and a healthy idle one never
   has anything to read (nothing here uses LISTEN). Such a connection is replaced before
   use (the pool retries on `DisconnectionError`). One idle longer than
   `PG_PING_AFTER_IDLE` seconds is still pinged: a network that dropped it silently
   leaves nothing to read.

2. **A transaction begins at the first statement that writes.** psycopg sends BEGIN
   before a request's first statement and the session ends it with ROLLBACK or COMMIT.
   At READ COMMITTED, PostgreSQL's default and ours, every statement takes its own
   snapshot inside a transaction as outside one, so a plain SELECT outside a transaction
   reads the same rows. Connections are therefore in autocommit in requests, and BEGIN is
   sent just before the first statement that is not a plain SELECT (a write, a
   `FOR UPDATE`/`FOR SHARE` lock, a savepoint, DDL): from there on the request's statements
   are one transaction as before, and the session's COMMIT or ROLLBACK ends it (psycopg
   sends them whenever the server has a transaction open, autocommit or not). A
   statement marked `alone` (autosave's UPDATE, the start's claim: `database.run_alone`)
   is a transaction by itself and gets no BEGIN.

3. **A statement is planned once per connection.** psycopg prepares a statement that a
   connection has run five times; PostgreSQL then still plans it again at every call
   until it judges a generic plan no worse (`plan_cache_mode=auto`). For the rush's
   statements (「我的考试」's and the start's claim, with their session checks) it never
   did: planning took 0.45-0.67 ms of the server's time at each call, against about
   0.1 ms to run them (the server's log, bench/RESULTS.md). Connections are set to
   `force_generic_plan` when opened. The app's statements look rows up by key and join a
   few small tables, where the best plan does not depend on the values.

Outside requests (migrations, flask commands, tests' own sessions) connections behave as
psycopg's default: BEGIN at the first statement.
"""

from __future__ import annotations

import re
import select
import time

from flask import Flask, has_request_context
from psycopg.pq import TransactionStatus
from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError

ALONE = "pg_alone"  # an execution option: this statement is its own transaction

# A plain read: SELECT (or a parenthesised one) that takes no row lock. Anything else
# begins a transaction, so an unknown kind of statement errs on the safe side.
_READ = re.compile(r"\s*\(*\s*SELECT\b", re.IGNORECASE)
_LOCKS = re.compile(r"\bFOR\s+(NO\s+KEY\s+UPDATE|UPDATE|KEY\s+SHARE|SHARE)\b|pg_advisory", re.I)


def is_plain_read(statement: str) -> bool:
    return bool(_READ.match(statement)) and not _LOCKS.search(statement)


def closed_by_server(fileno: int) -> bool:
    """Whether the server has written to (or closed) a connection nobody is using: the
    FATAL notice of a restart, or the end of the stream."""
    poller = select.poll()  # not select(): it cannot watch a descriptor numbered past 1023
    try:
        poller.register(fileno, select.POLLIN)
        return bool(poller.poll(0))  # readable, hung up or in error: nothing healthy to keep
    except (OSError, ValueError):  # the descriptor is already gone
        return True


def _checkout(app: Flask):
    ping_after = float(app.config.get("PG_PING_AFTER_IDLE", 30))

    def checkout(dbapi_connection, record, _proxy) -> None:
        if dbapi_connection.closed or closed_by_server(dbapi_connection.fileno()):
            raise DisconnectionError("the server closed this connection")
        idle = time.monotonic() - record.info.get("checked_in_at", time.monotonic())
        if idle > ping_after:
            try:
                dbapi_connection.execute("SELECT 1")
                dbapi_connection.rollback()  # psycopg began one for the ping
            except Exception as error:  # any failure: replace it (the pool tries again)
                raise DisconnectionError(str(error)) from error
        # Local to psycopg (no round trip on an idle connection): see 2. above.
        dbapi_connection.autocommit = has_request_context()

    return checkout


def _checkin(dbapi_connection, record) -> None:
    record.info["checked_in_at"] = time.monotonic()


def _begin_before_writes(conn, cursor, statement, _parameters, context, _executemany) -> None:
    dbapi = cursor.connection
    if (
        dbapi.autocommit
        and dbapi.info.transaction_status == TransactionStatus.IDLE
        and not (context is not None and context.execution_options.get(ALONE))
        and not is_plain_read(statement)
    ):
        cursor.execute("BEGIN")


def _plan_once(dbapi_connection, _record) -> None:
    # See 3. above: a setting of the connection's session, sent once when it is opened.
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True
    dbapi_connection.execute("SET plan_cache_mode = force_generic_plan")
    dbapi_connection.autocommit = autocommit


def init_app(app: Flask, engine) -> None:
    event.listen(engine, "connect", _plan_once)
    event.listen(engine.pool, "checkout", _checkout(app))
    event.listen(engine.pool, "checkin", _checkin)
    event.listen(engine, "before_cursor_execute", _begin_before_writes)
