"""wsgi:app with every SQLite connection capped at its database's size when it opened
(`PRAGMA max_page_count`), for the disk-full fault test: a write that needs a new page fails
with SQLITE_FULL ("database or disk is full") exactly as on a full disk. A small tmpfs would
be the literal fault, but mounting one needs privileges a developer's machine or CI may not
give; RLIMIT_FSIZE would hit the WAL and the main file at unrelated offsets. The cap fails
the same SQLite call (the pager's page allocation) with the same error code, at a size the
test chooses, with no loop filling a disk."""

from __future__ import annotations

from sqlalchemy import event

from exam_app.extensions import db
from wsgi import app


def _cap(dbapi_connection, _record) -> None:
    # max_page_count cannot go below the current size: 1 means "no growth from here".
    dbapi_connection.execute("PRAGMA max_page_count = 1")


with app.app_context():
    event.listen(db.engine, "connect", _cap)
