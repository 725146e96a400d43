"""Migrations upgrade an empty database and a database of the previous schema holding
data, on SQLite and PostgreSQL, and the data steps do their part."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from exam_app.extensions import db
from exam_app.models.base import utcnow
from tests.conftest import SCHEMA_FROM_MODELS

pytestmark = pytest.mark.skipif(SCHEMA_FROM_MODELS, reason="schema built from the models")
PREVIOUS = "b740f8508ffe"


def test_upgrade_and_downgrade_an_empty_database(app_factory, empty_database_url):
    app = app_factory(empty_database_url)
    with app.app_context():
        upgrade()
        assert set(db.metadata.tables) <= set(inspect(db.engine).get_table_names())
        downgrade(revision="base")
        assert inspect(db.engine).get_table_names() == ["alembic_version"]
        upgrade()


def test_the_previous_schema_with_data_upgrades_and_waiting_answers_get_tasks(
    app_factory, empty_database_url
):
    app = app_factory(empty_database_url)
    now = utcnow()
    with app.app_context():
        upgrade(revision=PREVIOUS)
        rows = [
            "INSERT INTO users (id, username, staff_no, name, password_hash, is_active_account,"
            " created_at) VALUES (1, 'u', 'S1', '甲', 'x', :yes, :now)",
            "INSERT INTO papers (id, title, quarter, instructions, status, time_limit_minutes,"
            " opens_at, closes_at, pass_mark, multi_rule, release_policy, double_marking,"
            " marking_tolerance, marking_rule, appeal_days, created_at) VALUES (7, '旧试卷',"
            " '2026Q3', '', 'published', 60, :now, :later, '60', 'half', 'auto', :yes, '2',"
            " 'average', 5, :now)",
            "INSERT INTO attempts (id, paper_id, user_id, candidate_code, status, seed,"
            " started_at, deadline_at, auto_submitted, max_total) VALUES (3, 7, 1, 'ABCD2345',"
            " 'submitted', 1, :now, :later, :no, '10')",
            "INSERT INTO attempt_items (id, attempt_id, position, section_position, section_title,"
            " kind, points, snapshot, save_seq, needs_review) VALUES (11, 3, 1, 1, '一', 'essay',"
            " '10', '{}', 1, :yes)",
        ]
        params = {"now": now, "later": now + timedelta(days=1), "yes": True, "no": False}
        for sql in rows:
            db.session.execute(text(sql), params)
        db.session.commit()
        upgrade()
        lineage = db.session.execute(text("SELECT lineage_id, version FROM papers")).one()
        assert tuple(lineage) == (7, 1)
        tasks = db.session.execute(
            text("SELECT attempt_item_id, slot, status FROM marking_tasks ORDER BY slot")
        ).all()
        assert [tuple(t) for t in tasks] == [(11, 1, "open"), (11, 2, "open")]  # double marking
        number = db.session.execute(text("SELECT number, tab_switches FROM attempts")).one()
        assert tuple(number) == (1, 0)
