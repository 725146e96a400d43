"""The attempt page at the rush is one statement that checks the sign-in session too
(attempt_page.head_for_claim): a closed session, a disabled account, a one-time password
or a missing role is answered as on every other page, and someone else's attempt is a 404
whoever asks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, event, select

from exam_app.extensions import db
from exam_app.models import Attempt, Role, User
from exam_app.models.sign_in import LoginSession
from exam_app.services.preparing import prepare_due
from tests.factories import person
from tests.integration.test_preparing import _draw_paper


@pytest.fixture
def started(app, make_client):
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
        r = web.post(f"/exams/papers/{paper.id}/start")
        assert r.status_code == 200 and "/exams/attempts/" in r.headers["Content-Location"]
    attempts = {
        name: db.session.scalar(
            select(Attempt.id).join(User, User.id == Attempt.user_id).where(User.username == name)
        )
        for name in ("a", "b")
    }
    return webs, attempts


def _page(web, attempt_id):
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        return web.get(f"/exams/attempts/{attempt_id}"), statements
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)


def _user(name: str) -> User:
    return db.session.scalar(select(User).where(User.username == name))


def test_the_page_is_shown_with_the_persons_name(started):
    webs, attempts = started
    r, _ = _page(webs["a"], attempts["a"])
    assert r.status_code == 200 and _user("a").name in r.get_data(as_text=True)


def test_someone_elses_attempt_is_a_404(started):
    webs, attempts = started
    r, _ = _page(webs["a"], attempts["b"])
    assert r.status_code == 404
    r, _ = _page(webs["a"], 10**9)  # no such attempt: the same answer
    assert r.status_code == 404


def test_a_closed_session_is_sent_to_sign_in_before_anything_about_the_attempt(started):
    webs, attempts = started
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
def test_the_account_is_checked_with_the_session(started, column, value, sent_to):
    webs, attempts = started
    setattr(_user("a"), column, value)
    db.session.commit()
    r, _ = _page(webs["a"], attempts["a"])
    assert r.status_code == 302 and sent_to in r.location


def test_without_the_staff_role_the_page_is_forbidden(started):
    webs, attempts = started
    user = _user("a")
    user.set_roles({Role.REVIEWER})
    db.session.commit()
    r, _ = _page(webs["a"], attempts["a"])
    assert r.status_code == 403
