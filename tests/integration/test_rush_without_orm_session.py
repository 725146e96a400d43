"""The rush's requests go past the ORM session (past_session.py) and make none: asking
whether the request's session holds a transaction no longer makes one to ask
(database.session_idle, end_reads)."""

from __future__ import annotations

import pytest
from flask import has_request_context

from exam_app.extensions import db
from tests.integration import test_save_checks_session as saves
from tests.integration.test_save_checks_session import _save, _stored

sitting = saves.sitting  # a candidate signed in, an attempt open, one answer saved


@pytest.fixture
def made(monkeypatch) -> list[str]:
    """The ORM sessions made while a request ran (WebClient runs each in its own app
    context, so its session is its own)."""
    sessions, make = [], db.session.registry.createfunc

    def making(**kwargs):
        if has_request_context():
            sessions.append("made")
        return make(**kwargs)

    monkeypatch.setattr(db.session.registry, "createfunc", making)
    return sessions


def test_a_save_makes_no_orm_session(sitting, made):
    web, _user, attempt, item = sitting
    for seq in (2, 3):  # the whole way, then the lane (web/save_lane.py)
        r = _save(web, attempt, item, seq=seq)
        assert r.status_code == 200 and r.json["saved"], r.json
    assert _stored(item)[0] == 3
    assert made == []


def test_my_exams_makes_no_orm_session(sitting, made):
    web, _user, _attempt, _item = sitting
    r = web.get("/exams/")
    assert r.status_code == 200 and "继续作答" in r.text
    assert made == []
    assert web.get("/records/").status_code == 200  # the staff file reads through one
    assert made == ["made"]
