"""The page where 交卷 lands reads the attempt and who is signed in in one statement
(result_head.for_claim), and the sections' counts in one more: a closed session, a disabled
account, a one-time password or a missing role is answered as on every other page, and
someone else's attempt is a 404 whoever asks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, event, select, update

from exam_app.extensions import db
from exam_app.models import Attempt, Role, User
from exam_app.models.base import utcnow
from exam_app.models.sign_in import LoginSession
from exam_app.services.preparing import prepare_due
from tests.factories import person
from tests.integration.test_preparing import _draw_paper


@pytest.fixture
def sat(app, make_client):
    """a and b started; a submitted, b still at it."""
    lead = person("lead", Role.LEAD)
    for name in ("a", "b"):
        person(name, department="客服一部")
    paper = _draw_paper(lead, opens_in=-timedelta(minutes=5))
    prepare_due()
    webs = {}
    for name in ("a", "b"):
        web = webs[name] = make_client()
        web.login(name)
        web.get("/exams/")
        assert web.post(f"/exams/papers/{paper.id}/start").status_code == 200
    attempts = {
        name: db.session.scalar(
            select(Attempt.id).join(User, User.id == Attempt.user_id).where(User.username == name)
        )
        for name in ("a", "b")
    }
    r = webs["a"].post(f"/exams/attempts/{attempts['a']}/submit")
    assert r.status_code == 302 and r.location.endswith(f"/exams/attempts/{attempts['a']}/result")
    return webs, attempts


def _page(web, attempt_id):
    statements: list[str] = []
    listener = lambda *args: statements.append(" ".join(args[2].split()[:2]))  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        return web.get(f"/exams/attempts/{attempt_id}/result"), statements
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)


def _user(name: str) -> User:
    return db.session.scalar(select(User).where(User.username == name))


def test_the_result_is_two_statements_with_the_persons_name(sat):
    webs, attempts = sat
    r, statements = _page(webs["a"], attempts["a"])
    page = r.get_data(as_text=True)
    attempt = db.session.get(Attempt, attempts["a"])
    assert r.status_code == 200 and _user("a").name in page
    assert attempt.status == "released" and f"总分 {attempt.total.normalize():f}" in page
    assert "已交卷。" in page  # the flash of the submission that led here
    # Who is signed in with the attempt, then the sections' counts; nothing else.
    assert statements == ["SELECT signed_in.id,", "SELECT attempt_items.section_position,"]
    assert r.headers["Cache-Control"].startswith("no-store")


def test_someone_elses_attempt_is_a_404(sat):
    webs, attempts = sat
    for attempt_id in (attempts["a"], 10**9):  # theirs, or none at all: the same answer
        r, _ = _page(webs["b"], attempt_id)
        assert r.status_code == 404


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


def test_a_closed_session_is_sent_to_sign_in_before_anything_about_the_attempt(sat):
    webs, attempts = sat
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == _user("a").id))
    db.session.commit()
    for attempt_id in (attempts["a"], attempts["b"]):
        r, statements = _page(webs["a"], attempt_id)
        assert r.status_code == 302 and "/login" in r.location
        assert len(statements) == 1  # nothing read beyond the refused statement


@pytest.mark.parametrize(
    "column, value, sent_to",
    [("is_active_account", False, "/login"), ("must_change_password", True, "/account/password")],
    ids=["a disabled account signs in again", "a one-time password is changed first"],
)
def test_the_account_is_checked_with_the_session(sat, column, value, sent_to):
    webs, attempts = sat
    setattr(_user("a"), column, value)
    db.session.commit()
    r, _ = _page(webs["a"], attempts["a"])
    assert r.status_code == 302 and sent_to in r.location


def test_without_the_staff_role_the_page_is_forbidden(sat):
    webs, attempts = sat
    _user("a").set_roles({Role.REVIEWER})
    db.session.commit()
    r, _ = _page(webs["a"], attempts["a"])
    assert r.status_code == 403
