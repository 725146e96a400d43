"""SQLite: one statement that is a whole transaction, or a whole read, by itself, sent on
the pool's driver connection past the ORM session.

At the rush every candidate's 「我的考试」, exam page, 开始作答 and autosave is one statement
(the session check included). Through the ORM session each also paid for the session's
bookkeeping (a transaction object, a connection checked out and back, an execution context,
the result's machinery): more than SQLite itself took to run it, and as much as the fsync
of a save's commit (bench/RESULTS.md, "What changed"). Here the statement is compiled once
by SQLAlchemy, its parameters and results go through the same type processing SQLAlchemy
applies (dates, scores, JSON, booleans), and it runs on a connection from the engine's own
pool, so the pragmas, the pool's life and the fork rules stay the engine's:

- `write`: BEGIN IMMEDIATE, the statement, COMMIT (what `database.run_alone` promises);
- `transaction`: BEGIN IMMEDIATE, a few statements, COMMIT (a submission's writes);
- `read`: the SELECT alone, a consistent read by itself (autocommit: SQLite's implicit
  read transaction), as the session's one-statement reads were.

A driver error is raised as SQLAlchemy's (IntegrityError, OperationalError), as before; the
engine's `before_cursor_execute` listeners see each statement, so whatever counts
statements (the tests, bench/request_costs.py) still counts these. The callers in
`database.py` send a statement here only while the request's session holds no transaction
(a write here would otherwise wait on the session's own lock).

`_bind_processors` is SQLAlchemy's own table of parameter converters (private, as the
execution context reads it); tests/integration/test_sqlite_alone.py runs the same statements
both ways and compares what is stored and read, so a change in SQLAlchemy shows there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exc


@dataclass(frozen=True)
class _Prepared:
    compiled: Any  # SQLAlchemy's compiled statement
    expands: bool  # IN (…) lists and literal parameters: rendered per call
    to_driver: dict[str, Callable[[Any], Any]]
    # Per result column, its converter (None: as the driver gives it); () for no rows.
    from_driver: tuple[Callable[[Any], Any] | None, ...]


_prepared: dict[Any, _Prepared] = {}  # keyed by the statement itself (a module constant)


def _prepare(statement, dialect) -> _Prepared:
    compiled = statement.compile(dialect=dialect)
    columns = getattr(statement, "selected_columns", None)
    if columns is None:  # INSERT/UPDATE/DELETE: their RETURNING columns, if any
        columns = getattr(statement, "exported_columns", ())
    prepared = _Prepared(
        compiled,
        bool(compiled.literal_execute_params or compiled.post_compile_params),
        dict(compiled._bind_processors),
        tuple(c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns),
    )
    if len(_prepared) > 256:  # more statements than the app has: someone builds them per call
        _prepared.clear()
    _prepared[statement] = prepared
    return prepared


def _sql_and_values(prepared: _Prepared, params: dict) -> tuple[str, list]:
    compiled = prepared.compiled
    if prepared.expands:
        state = compiled.construct_expanded_state(params)
        convert = {**prepared.to_driver, **state.processors}
        given, order, sql = state.parameters, state.positiontup, state.statement
    else:
        convert, given = prepared.to_driver, compiled.construct_params(params)
        order, sql = compiled.positiontup, compiled.string
    return sql, [convert[n](given[n]) if n in convert else given[n] for n in order]


def _converted(prepared: _Prepared, rows: list[tuple]) -> list[tuple]:
    if rows and len(rows[0]) != len(prepared.from_driver):
        raise RuntimeError("the statement's columns and the rows read do not line up")
    pairs = [(i, f) for i, f in enumerate(prepared.from_driver) if f is not None]
    if not pairs:
        return rows
    out = []
    for row in rows:
        values = list(row)
        for i, convert in pairs:
            values[i] = convert(values[i])
        out.append(tuple(values))
    return out


def _send(engine, cursor, sql: str, values: list):
    for listener in engine.dispatch.before_cursor_execute:
        listener(None, cursor, sql, values, None, False)
    return cursor.execute(sql, values)


def _driver_error(engine, sql: str, values: list, error: Exception) -> exc.DBAPIError:
    dbapi_error = engine.dialect.loaded_dbapi.Error
    return exc.DBAPIError.instance(sql, values, error, dbapi_error)


class Rows:
    """What a statement in a `Transaction` gave: its rows, converted, and its count."""

    def __init__(self, rowcount: int, rows: list[tuple]):
        self.rowcount, self.rows = rowcount, rows

    def first(self) -> tuple | None:
        return self.rows[0] if self.rows else None

    def all(self) -> list[tuple]:
        return self.rows

    def __iter__(self):
        return iter(self.rows)


class Transaction:
    """BEGIN IMMEDIATE … COMMIT on a pooled driver connection, for a few statements that
    are one transaction (a submission). Committed when the block ends, unless `rollback()`
    was called; rolled back if it raises. Its `execute` and `exec_driver_sql` answer as a
    SQLAlchemy connection's do for what the callers use of them (rows by position)."""

    def __init__(self, engine):
        self.engine, self.dialect = engine, engine.dialect
        self._pooled = self._cursor = None
        self._done = False

    def __enter__(self) -> Transaction:
        self._pooled = self.engine.raw_connection()
        self._cursor = self._pooled.driver_connection.cursor()
        try:
            self._run(self._cursor.execute, "BEGIN IMMEDIATE", [])  # waits its turn (busy_timeout)
        except BaseException:
            self._cursor.close()
            self._pooled.close()
            raise
        return self

    def _run(self, call, sql: str, values):
        try:
            return call(sql, values)
        except self.dialect.loaded_dbapi.Error as error:
            raise _driver_error(self.engine, sql, values, error) from error

    def execute(self, statement, params: dict) -> Rows:
        prepared = _prepared.get(statement) or _prepare(statement, self.dialect)
        sql, values = _sql_and_values(prepared, params)
        cursor = self._cursor
        self._run(lambda q, v: _send(self.engine, cursor, q, v), sql, values)
        # All rows fetched first: the driver counts RETURNING's rows only then.
        rows = cursor.fetchall() if cursor.description else []
        return Rows(cursor.rowcount, _converted(prepared, rows))

    def exec_driver_sql(self, sql: str, rows: list[tuple]) -> None:
        """An executemany in the driver's own terms (qmark), as Connection.exec_driver_sql."""
        for listener in self.engine.dispatch.before_cursor_execute:
            listener(None, self._cursor, sql, rows, None, True)
        self._run(self._cursor.executemany, sql, rows)

    def rollback(self) -> None:
        """Nothing of the block is kept; it ends without a COMMIT."""
        if not self._done:
            self._run(self._cursor.execute, "ROLLBACK", [])
            self._done = True

    def __exit__(self, kind, _error, _trace) -> None:
        ending = None if self._done else ("COMMIT" if kind is None else "ROLLBACK")
        self._done = True
        self._cursor.close()
        connection = self._pooled.driver_connection
        try:
            if ending:
                self._run(connection.execute, ending, [])
        except BaseException:
            self._pooled.invalidate()  # a COMMIT or ROLLBACK that failed: state unknown
            if kind is None:
                raise
        finally:
            self._pooled.close()


def transaction(engine) -> Transaction:
    return Transaction(engine)


def write(engine, statement, params: dict) -> tuple[int, tuple | None]:
    """(rowcount, the first row it returned or None), committed before this returns."""
    with Transaction(engine) as tx:
        done = tx.execute(statement, params)
    return done.rowcount, done.first()


def read(engine, statement, params: dict) -> list[tuple]:
    """The statement's rows, each a tuple of values converted as SQLAlchemy converts them."""
    prepared = _prepared.get(statement) or _prepare(statement, engine.dialect)
    sql, values = _sql_and_values(prepared, params)
    pooled = engine.raw_connection()
    try:
        cursor = pooled.driver_connection.cursor()
        try:
            rows = _send(engine, cursor, sql, values).fetchall()
        except engine.dialect.loaded_dbapi.Error as error:
            raise _driver_error(engine, sql, values, error) from error
        finally:
            cursor.close()
    finally:
        pooled.close()
    return _converted(prepared, rows)
