"""The rush's statements past the ORM session, on the pool's driver connection.

At the rush every candidate's 「我的考试」, exam page, 开始作答 and autosave is one statement
(the session check included), and 交卷 a handful that are one transaction. Through the ORM
session each also paid for the session's bookkeeping (a transaction object, a connection
checked out and back, an execution context, the result's machinery): on SQLite more than
the database took to run it, as much as the fsync of a save's commit (bench/RESULTS.md).
Here a statement is compiled once by SQLAlchemy, its parameters and results go through
the same type processing SQLAlchemy applies (dates, scores, JSON, booleans; driver_sql.py),
and it runs on a connection from the engine's own pool, so the pragmas, the pool's life,
the fork rules and postgres_trips.py's checks stay the engine's:

- `read`: one SELECT, a consistent read by itself (SQLite's implicit read transaction; a
  PostgreSQL connection in autocommit in a request, see postgres_trips.py);
- `write`: one statement that is a whole transaction, committed before it returns (what
  `database.run_alone` promises): BEGIN IMMEDIATE … COMMIT on SQLite, the statement alone
  in autocommit on PostgreSQL (one round trip). `durable=False`: its COMMIT does not wait
  for the disk (see `write`);
- `transaction`: a few statements that are one transaction (a submission). Its `batch`
  sends several at once: on PostgreSQL in one round trip (psycopg's pipeline mode), with
  the BEGIN before them and the COMMIT after them when asked, where each would otherwise
  be a wait on a server that shares the machine; on SQLite one after another (a statement
  there costs no trip).

A driver error is raised as SQLAlchemy's (IntegrityError, OperationalError), as before; the
engine's `before_cursor_execute` listeners see each statement, so whatever counts
statements (the tests, bench/request_costs.py) still counts these. The callers send a
statement here only while the request's session holds no transaction (`database.
session_idle`): a write here would otherwise wait on the session's own locks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exc

from exam_app import wal_sync, write_queue
from exam_app.driver_sql import Prepared, converted, prepared_for, sql_and_values
from exam_app.postgres_trips import ALONE  # no BEGIN before a statement that is alone


def _has_rows(cursor, sqlite: bool) -> bool:
    """Whether the statement gave a result to fetch. psycopg builds `description` anew at
    each access (62 µs for a row of 27 columns); its `rownumber` says as much for nothing."""
    return cursor.description is not None if sqlite else cursor.rownumber is not None


class _Context:
    """What the engine's listeners read of an execution context: its options."""

    def __init__(self, alone: bool):
        self.execution_options = {ALONE: True} if alone else {}


# ALONE also tells postgres_trips.py not to send a BEGIN of its own: a Transaction sends
# its BEGIN itself (with its first statements, see `batch`).
_IN_TRANSACTION, _ALONE_CONTEXT = _Context(False), _Context(True)


@dataclass
class _Step:
    """One statement of a batch, rendered for the driver."""

    prepared: Prepared | None  # None: SQL in the driver's own terms (exec_driver_sql)
    sql: str
    values: Any
    many: bool = False  # a list of rows: an executemany


class Rows:
    """What a statement gave: its rows, converted, and its count."""

    def __init__(self, rowcount: int, rows: list[tuple]):
        self.rowcount, self.rows = rowcount, rows

    def first(self) -> tuple | None:
        return self.rows[0] if self.rows else None

    def all(self) -> list[tuple]:
        return self.rows

    def __iter__(self):
        return iter(self.rows)


class Transaction:
    """A few statements that are one transaction, on a pooled driver connection: committed
    when the block ends unless `rollback()` was called, rolled back if it raises. Its
    `execute` and `exec_driver_sql` answer as a SQLAlchemy connection's do for what the
    callers use of them (rows by position). `alone=True`: one statement that is its own
    transaction (`write`)."""

    def __init__(self, engine, *, alone: bool = False, durable: bool = True):
        self.engine, self.dialect = engine, engine.dialect
        self._sqlite = engine.dialect.name == "sqlite"
        self._alone = alone
        # durable=False: the COMMIT returns once the database has it, before the disk does
        # (only `write` asks it, see there). PostgreSQL: SET LOCAL, sent with the first
        # statements and ended by the transaction itself. SQLite: the connection's level,
        # lowered before BEGIN and put back after the COMMIT (the pool keeps connections).
        self._no_wait = not durable
        # SQLite in a request: durable all the same, the WAL synced once the response is
        # made, after the writers' turn is let go (wal_sync.py).
        self._sync_later = durable and self._sqlite and wal_sync.deferred()
        self._committed = False
        self._sync_level = None  # SQLite: the level to put back
        self._pooled = self._cursor = None
        self._done = False
        self._begin = False  # PostgreSQL in a request: BEGIN not sent yet
        self._queue = None  # SQLite: this process's place in the writers' queue, once taken

    def __enter__(self) -> Transaction:
        self._pooled = self.engine.raw_connection()
        self._connection = self._pooled.driver_connection
        self._cursor = self._connection.cursor()
        try:
            if self._sqlite:  # waits its turn for the write lock: see write_queue.py
                self._queue = write_queue.for_database(self.engine.url.database)
                if self._queue is not None:
                    self._queue.__enter__()
                if self._no_wait or self._sync_later:  # only outside a transaction
                    self._sync_level = self._cursor.execute("PRAGMA synchronous").fetchone()[0]
                    self._cursor.execute("PRAGMA synchronous=NORMAL")
                self._run("BEGIN IMMEDIATE", (), lambda: self._cursor.execute("BEGIN IMMEDIATE"))
            elif self._connection.autocommit and not self._alone:  # in a request
                self._begin = True  # sent with the first statements (see batch)
            # Else psycopg begins one itself at the first statement (outside requests), or
            # the statement alone in autocommit is its own transaction.
        except BaseException:
            self._cursor.close()
            self._put_sync_back()
            self._pooled.close()
            self._leave_queue()
            raise
        return self

    def _put_sync_back(self) -> None:
        """SQLite: the connection's own level again, before the pool hands it to a save; if
        that fails the connection is thrown away, never kept at the lower level."""
        if self._sync_level is None:
            return
        level, self._sync_level = self._sync_level, None
        try:
            self._connection.execute(f"PRAGMA synchronous={int(level)}")
        except BaseException:
            self._pooled.invalidate()
            raise

    def _leave_queue(self) -> None:
        if self._queue is not None:
            self._queue, queue = None, self._queue
            queue.__exit__()

    def _run(self, sql: str, values, call: Callable[[], Any]):
        try:
            return call()
        except self.dialect.loaded_dbapi.Error as error:
            dbapi_error = self.dialect.loaded_dbapi.Error
            raise exc.DBAPIError.instance(sql, values, error, dbapi_error) from error

    def _tell_listeners(self, sql: str, values, many: bool) -> None:
        context = _IN_TRANSACTION if self._sqlite and not self._alone else _ALONE_CONTEXT
        for listener in self.engine.dispatch.before_cursor_execute:
            listener(None, self._cursor, sql, values, context, many)

    def execute(self, statement, params: dict) -> Rows:
        return self.batch([(statement, params)])[0]

    def exec_driver_sql(self, sql: str, params) -> None:
        """In the driver's own terms, as Connection.exec_driver_sql: a list of rows is an
        executemany, a dict one execution."""
        self.batch([(sql, params)])

    def batch(
        self, steps: list[tuple[Any, Any]], *, commit: bool = False, then: list[tuple] = ()
    ) -> list[Rows]:
        """Each (statement, parameters) in order, their rows by step; a statement given as
        a string is in the driver's own terms (`exec_driver_sql`). `commit=True` ends the
        transaction with them, and `then`'s statements run after the COMMIT, each by itself,
        seeing what it committed (their rows follow the steps'). On PostgreSQL they all go
        in one round trip (pipeline mode): a later statement does not wait for an earlier
        one's answer, so each must not depend on what an earlier one returns (they still
        run in order, each at READ COMMITTED with a snapshot of its own); an error in one
        raises and leaves nothing of the transaction kept."""
        if then and not commit:
            raise ValueError("`then` runs after the COMMIT: commit=True")
        rendered = [self._render(statement, params) for statement, params in (*steps, *then)]
        if self._sqlite or not (self._begin or commit or len(rendered) > 1 or self._no_wait):
            out = [self._one(self._cursor, step) for step in rendered[: len(steps)]]
            if commit:
                self._finish("COMMIT")
            return out + [self._one(self._cursor, step) for step in rendered[len(steps) :]]
        connection = self._connection
        # In a request the transaction is ours (autocommit, our BEGIN): its COMMIT, and what
        # follows it, can go in the pipeline too; outside one psycopg began it and ends it
        # (tests, commands), so `then` waits for that.
        ours = connection.autocommit
        later = [] if ours else rendered[len(steps) :]
        rendered = rendered[: len(rendered) - len(later)]
        cursors = [self._cursor, *(connection.cursor() for _ in rendered[1:])]
        try:
            self._run(rendered[0].sql, rendered[0].values,
                      lambda: self._pipeline(cursors, rendered, len(steps), commit and ours))  # fmt: skip
            out = [
                self._fetched(cursor, step) for cursor, step in zip(cursors, rendered, strict=True)
            ]
        finally:
            for cursor in cursors[1:]:
                cursor.close()
        if commit and not ours:  # outside a request psycopg began it: its own commit
            self._finish("COMMIT")
            out += [self._one(self._cursor, step) for step in later]
        elif commit:
            self._done = True
        return out

    def _pipeline(self, cursors, rendered: list[_Step], steps: int, commit: bool) -> None:
        """The first `steps` statements, the COMMIT if asked, then the rest."""
        connection = self._connection
        with connection.pipeline():  # sends and waits once, when the block ends
            if self._begin:
                self._begin = False  # sent (or the connection is broken: see __exit__)
                connection.execute("BEGIN")
            if self._no_wait:  # in the transaction, before its first statement
                self._no_wait = False
                self._tell_listeners(_NO_WAIT, None, False)
                connection.execute(_NO_WAIT)
            for n, (cursor, step) in enumerate(zip(cursors, rendered, strict=True)):
                if n == steps and commit:
                    connection.execute("COMMIT")
                self._tell_listeners(step.sql, step.values, step.many)
                (cursor.executemany if step.many else cursor.execute)(step.sql, step.values)
            if commit and steps == len(rendered):
                connection.execute("COMMIT")

    def _render(self, statement, params) -> _Step:
        if isinstance(statement, str):
            return _Step(None, statement, params, isinstance(params, list))
        prepared = prepared_for(statement, self.dialect)
        return _Step(prepared, *sql_and_values(prepared, params))

    def _one(self, cursor, step: _Step) -> Rows:
        self._tell_listeners(step.sql, step.values, step.many)
        run = cursor.executemany if step.many else cursor.execute
        self._run(step.sql, step.values, lambda: run(step.sql, step.values))
        return self._fetched(cursor, step)

    def _fetched(self, cursor, step: _Step) -> Rows:
        # All rows fetched first: SQLite counts RETURNING's rows only then.
        rows = cursor.fetchall() if _has_rows(cursor, self._sqlite) else []
        if step.prepared is not None:
            rows = converted(step.prepared, rows, cursor, self.dialect)
        return Rows(cursor.rowcount, rows)

    def rollback(self) -> None:
        """Nothing of the block is kept; it ends without a COMMIT."""
        if not self._done:
            self._finish("ROLLBACK")

    def _finish(self, verb: str) -> None:
        if not self._begin:  # else nothing was sent: nothing to end
            self._end(verb)  # if it fails, __exit__ rolls back (or drops the connection)
        self._done = True

    def _end(self, verb: str) -> None:
        connection = self._connection
        if self._sqlite:
            self._run(verb, (), lambda: connection.execute(verb))
            self._committed = verb == "COMMIT"
        else:  # psycopg ends a transaction the server has open, in autocommit or not
            self._run(verb, (), connection.commit if verb == "COMMIT" else connection.rollback)

    def __exit__(self, kind, _error, _trace) -> None:
        ending = None if self._done else ("COMMIT" if kind is None else "ROLLBACK")
        self._done = True
        self._cursor.close()
        try:
            if ending and not self._begin:
                self._end(ending)
        except BaseException:
            self._pooled.invalidate()  # a COMMIT or ROLLBACK that failed: state unknown
            if kind is None:
                raise
        else:
            try:
                self._put_sync_back()
            except BaseException:
                if kind is None:
                    raise
        finally:
            self._pooled.close()
            self._leave_queue()
        if self._sync_later and self._committed:
            wal_sync.sync_before_response(self.engine.url.database)


def transaction(engine) -> Transaction:
    return Transaction(engine)


# PostgreSQL, this transaction only: its COMMIT does not wait for the WAL to reach the disk.
_NO_WAIT = "SET LOCAL synchronous_commit TO OFF"


def write(engine, statement, params: dict, *, durable: bool = True) -> tuple[int, tuple | None]:
    """(rowcount, the first row it returned or None), committed before this returns.

    durable=False: committed, visible to every other request, but the COMMIT does not wait
    for the disk (SQLite `synchronous=NORMAL`, PostgreSQL `synchronous_commit=off`), so a
    power cut in the next moments may take it back; the database stays consistent. It is
    made durable by the next durable commit of anyone: SQLite's WAL and PostgreSQL's WAL
    are one log written in order, and syncing a later commit syncs everything before it.
    Only for a write whose loss leaves things as they were before it and takes nothing
    that a durable write after it could rest on (the start's claim: attempts.py)."""
    if durable:
        with Transaction(engine, alone=True) as tx:
            done = tx.execute(statement, params)
    else:  # PostgreSQL: BEGIN, SET LOCAL, the statement, COMMIT in one round trip
        with Transaction(engine, durable=False) as tx:
            done = tx.batch([(statement, params)], commit=True)[0]
    return done.rowcount, done.first()


def write_and_read(engine, statement, params: dict, reading, *, durable: bool = True):
    """`write`, then `reading`, a SELECT with the same parameters that sees what was
    committed: (rowcount, the first row written or None, the SELECT's rows). On PostgreSQL
    BEGIN, the statement, COMMIT and the SELECT are one round trip. On SQLite `read` after
    `write`, once the writers' queue is let go (a read needs no turn in it)."""
    if engine.dialect.name == "sqlite":
        count, row = write(engine, statement, params, durable=durable)
        return count, row, read(engine, reading, params)
    with Transaction(engine, durable=durable) as tx:
        done, seen = tx.batch([(statement, params)], commit=True, then=[(reading, params)])
    return done.rowcount, done.first(), seen.all()


def read(engine, statement, params: dict) -> list[tuple]:
    """The statement's rows, each a tuple of values converted as SQLAlchemy converts them."""
    prepared = prepared_for(statement, engine.dialect)
    sql, values = sql_and_values(prepared, params)
    pooled = engine.raw_connection()
    try:
        cursor = pooled.driver_connection.cursor()
        try:
            for listener in engine.dispatch.before_cursor_execute:
                listener(None, cursor, sql, values, _IN_TRANSACTION, False)
            cursor.execute(sql, values)
            return converted(prepared, cursor.fetchall(), cursor, engine.dialect)
        except engine.dialect.loaded_dbapi.Error as error:
            dbapi_error = engine.dialect.loaded_dbapi.Error
            raise exc.DBAPIError.instance(sql, values, error, dbapi_error) from error
        finally:
            cursor.close()
    finally:
        pooled.close()  # the pool ends what psycopg began outside a request (reset on return)
