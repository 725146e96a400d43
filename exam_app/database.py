"""Engine settings that depend on the database kind."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import event

from exam_app.extensions import db


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets candidates read while another saves; the busy timeout makes writers wait
    # their turn instead of failing with "database is locked".
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def init_app(app: Flask) -> None:
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    app.config["INSTANCE_DIR"].mkdir(parents=True, exist_ok=True)
    with app.app_context():
        event.listen(db.engine, "connect", _sqlite_pragmas)
