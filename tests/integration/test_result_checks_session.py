"""The page where 交卷 lands reads the attempt and who is signed in in one statement
(result_head.for_claim), and the sections' counts in one more; an attempt still open goes
back to the exam. How it answers a closed session or someone else's attempt:
test_rush_pages_check_session.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from exam_app.extensions import db
from exam_app.models import Attempt
from exam_app.models.base import utcnow
from tests.integration.session_checks import sent, two_started, user


@pytest.fixture
def sat(app, make_client):
    """a and b started; a submitted, b still at it."""
    webs, attempts = two_started(make_client)
    r = webs["a"].post(f"/exams/attempts/{attempts['a']}/submit")
    assert r.status_code == 302 and r.location.endswith(f"/exams/attempts/{attempts['a']}/result")
    return webs, attempts


def _page(web, attempt_id):
    return sent(web, f"/exams/attempts/{attempt_id}/result")


def test_the_result_is_two_statements_with_the_persons_name(sat):
    webs, attempts = sat
    r, statements = _page(webs["a"], attempts["a"])
    page = r.get_data(as_text=True)
    attempt = db.session.get(Attempt, attempts["a"])
    assert r.status_code == 200 and user("a").name in page
    assert attempt.status == "released" and f"总分 {attempt.total.normalize():f}" in page
    assert "已交卷。" in page  # the flash of the submission that led here
    # Who is signed in with the attempt, then the sections' counts; nothing else.
    verbs = [" ".join(statement.split()[:2]) for statement in statements]
    assert verbs == ["SELECT signed_in.id,", "SELECT attempt_items.section_position,"]
    assert r.headers["Cache-Control"].startswith("no-store")


def test_an_attempt_still_open_goes_back_to_the_exam_and_one_past_its_time_is_closed(sat):
    webs, attempts = sat
    r, _ = _page(webs["b"], attempts["b"])
    assert r.status_code == 302 and r.location.endswith(f"/exams/attempts/{attempts['b']}")
    db.session.execute(
        update(Attempt)
        .where(Attempt.id == attempts["b"])
        .values(deadline_at=utcnow() - timedelta(hours=1))
    )
    db.session.commit()
    r, _ = _page(webs["b"], attempts["b"])
    assert r.status_code == 200 and "超时由系统自动交卷" in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Attempt, attempts["b"]).status != "in_progress"
