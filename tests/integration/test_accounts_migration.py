"""The must_change_password migration: existing people keep signing in as before, and it
goes down and up again cleanly, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from exam_app.extensions import db
from exam_app.models.base import utcnow
from tests.conftest import SCHEMA_FROM_MODELS

pytestmark = pytest.mark.skipif(SCHEMA_FROM_MODELS, reason="schema built from the models")
BEFORE = "7c1d9e3a5b20"
THIS = "7d41c9a2e6f3"


def _columns() -> set[str]:
    return {c["name"] for c in inspect(db.engine).get_columns("users")}


def test_existing_people_need_no_change_and_the_column_goes_down_and_up(
    app_factory, empty_database_url
):
    app = app_factory(empty_database_url)
    with app.app_context():
        upgrade(revision=BEFORE)
        db.session.execute(
            text(
                "INSERT INTO users (id, username, staff_no, name, password_hash,"
                " is_active_account, created_at) VALUES (1, 'u', 'S1', '甲', 'x', :yes, :now)"
            ),
            {"yes": True, "now": utcnow()},
        )
        db.session.commit()
        upgrade(revision=THIS)
        assert not db.session.execute(text("SELECT must_change_password FROM users")).scalar()
        db.session.commit()
        downgrade(revision=BEFORE)
        assert "must_change_password" not in _columns()
        assert db.session.execute(text("SELECT username FROM users")).scalar() == "u"
        db.session.commit()
        upgrade()
        assert "must_change_password" in _columns()
