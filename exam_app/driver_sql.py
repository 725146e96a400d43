"""A SQLAlchemy statement run straight on the driver (past_session.py): compiled once per
database, its parameters converted for the driver and its rows converted back exactly as
SQLAlchemy's own execution does (dates, scores, JSON, booleans), without its machinery.

`_bind_processors` is SQLAlchemy's own table of parameter converters (private, as its
execution context reads it); tests/integration/test_past_session.py runs the same
statements both ways on both databases and compares what is stored and read, so a change
in SQLAlchemy shows there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass
class Prepared:
    """A statement compiled for one database, with what converts its values."""

    compiled: Any  # SQLAlchemy's compiled statement
    expands: bool  # IN (…) lists and literal parameters: rendered per call
    to_driver: dict[str, Callable[[Any], Any]]
    types: tuple  # the result columns' types, for this database
    # Per result column, its converter (None: as the driver gives it), made at the first
    # rows: PostgreSQL's depend on the type the server says it sent.
    from_driver: tuple[Callable[[Any], Any] | None, ...] | None = None
    # IN lists and literals whose values the statement itself holds (none come with the
    # call) render the same every time: the SQL, the parameters' order and those values,
    # kept from the first call (rendering them cost more than the query on SQLite).
    expanded: tuple[str, Any, dict] | None = None
    expanding_names: frozenset = frozenset()


# By database kind and the statement itself (a module constant: kept alive, so its id is
# never another's).
_prepared: dict[tuple[str, Any], Prepared] = {}


def prepared_for(statement, dialect) -> Prepared:
    """The statement compiled for this database, once per process."""
    return _prepared.get((dialect.name, statement)) or _prepare(statement, dialect)


def _prepare(statement, dialect) -> Prepared:
    compiled = statement.compile(dialect=dialect)
    columns = getattr(statement, "selected_columns", None)
    if columns is None:  # INSERT/UPDATE/DELETE: their RETURNING columns, if any
        columns = getattr(statement, "exported_columns", ())
    late = compiled.literal_execute_params | compiled.post_compile_params
    prepared = Prepared(
        compiled,
        bool(late),
        dict(compiled._bind_processors),
        tuple(c.type.dialect_impl(dialect) for c in columns),
        expanding_names=frozenset(compiled.bind_names[b] for b in late),
    )
    if len(_prepared) > 256:  # more statements than the app has: someone builds them per call
        _prepared.clear()
    _prepared[(dialect.name, statement)] = prepared
    return prepared


def sql_and_values(prepared: Prepared, params: dict) -> tuple[str, Any]:
    """The SQL and the parameters in the driver's own terms (a dict or a list by position)."""
    compiled, convert = prepared.compiled, prepared.to_driver
    constant: dict = {}
    if prepared.expands and (prepared.expanded is None or prepared.expanding_names & params.keys()):
        state = compiled.construct_expanded_state(params)
        convert = {**convert, **state.processors}
        given, order, sql = state.parameters, state.positiontup, state.statement
        if not prepared.expanding_names & params.keys():  # all the statement's own: keep
            plain = compiled.construct_params(params).keys()
            fixed = {n: convert[n](v) if n in convert else v
                     for n, v in given.items() if n not in plain}  # fmt: skip
            prepared.expanded = (sql, order, fixed)
    elif prepared.expands:
        sql, order, constant = prepared.expanded
        given = compiled.construct_params(params)
    else:
        given, order, sql = compiled.construct_params(params), compiled.positiontup, compiled.string
    if order is None:  # named parameters (psycopg's pyformat)
        values = {n: convert[n](v) if n in convert else v for n, v in given.items()}
        return sql, {**values, **constant}
    return sql, [constant[n] if n in constant else convert[n](given[n]) if n in convert
                 else given[n] for n in order]  # fmt: skip


def converted(prepared: Prepared, rows: list, cursor, dialect) -> list[tuple]:
    """The driver's rows as tuples of the values SQLAlchemy would give."""
    if not rows:
        return []
    if prepared.from_driver is None:  # the columns' driver types: read once per statement
        description = cursor.description
        if len(description) != len(prepared.types):
            raise RuntimeError("the statement's columns and the rows read do not line up")
        prepared.from_driver = tuple(
            kind.result_processor(dialect, column[1])
            for kind, column in zip(prepared.types, description, strict=True)
        )
    pairs = [(i, f) for i, f in enumerate(prepared.from_driver) if f is not None]
    if not pairs:
        return [tuple(row) for row in rows]
    out = []
    for row in rows:
        values = list(row)
        for i, convert in pairs:
            values[i] = convert(values[i])
        out.append(tuple(values))
    return out
