"""Migrations build the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from exam_app.extensions import db
from tests.conftest import SCHEMA_FROM_MODELS

pytestmark = pytest.mark.skipif(SCHEMA_FROM_MODELS, reason="schema built from the models")


def test_the_migrated_schema_matches_the_models(app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": False})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_every_table_exists_after_upgrade(app):
    tables = set(inspect(db.engine).get_table_names())
    assert set(db.metadata.tables) <= tables
    assert "alembic_version" in tables
