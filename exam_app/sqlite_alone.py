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


def write(engine, statement, params: dict) -> tuple[int, tuple | None]:
    """(rowcount, the first row it returned or None), committed before this returns."""
    prepared = _prepared.get(statement) or _prepare(statement, engine.dialect)
    sql, values = _sql_and_values(prepared, params)
    pooled = engine.raw_connection()
    try:
        cursor = pooled.driver_connection.cursor()
        try:
            cursor.execute("BEGIN IMMEDIATE")
            try:
                _send(engine, cursor, sql, values)
                # All rows fetched first: the driver counts RETURNING's rows only then.
                returned = cursor.fetchall() if cursor.description else []
                count = cursor.rowcount
                cursor.execute("COMMIT")
            except BaseException:
                cursor.execute("ROLLBACK")
                raise
        except engine.dialect.loaded_dbapi.Error as error:
            raise _driver_error(engine, sql, values, error) from error
        finally:
            cursor.close()
    except BaseException:
        pooled.invalidate()  # its state is not known: the pool opens a fresh one
        raise
    finally:
        pooled.close()
    return count, (_converted(prepared, returned[:1])[0] if returned else None)


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
