"""The rush's pages read who is signed in with what they show, in one statement: the exam
page (attempt_page.head_for_claim) and the page where 交卷 lands (result_head.for_claim).
Each answers a closed session, a disabled account, a one-time password or a missing role as
every other page does, before saying anything about the attempt, and someone else's
attempt is a 404 whoever asks."""

from __future__ import annotations

import pytest
from sqlalchemy import delete

from exam_app.extensions import db
from exam_app.models import Role
from exam_app.models.sign_in import LoginSession
from tests.integration.session_checks import sent, two_started, user

PAGES = {"exam page": "/exams/attempts/{}", "result page": "/exams/attempts/{}/result"}


@pytest.fixture(params=list(PAGES))
def page(request, app, make_client):
    """(a's client, the attempts of a and b, how to open the page): a has submitted when the
    page is the result's."""
    webs, attempts = two_started(make_client)
    if request.param == "result page":
        assert webs["a"].post(f"/exams/attempts/{attempts['a']}/submit").status_code == 302
    url = PAGES[request.param]
    return webs["a"], attempts, lambda attempt_id: sent(webs["a"], url.format(attempt_id))


def test_the_page_is_shown_with_the_persons_name(page):
    _web, attempts, opened = page
    r, _ = opened(attempts["a"])
    assert r.status_code == 200 and user("a").name in r.get_data(as_text=True)


def test_someone_elses_attempt_or_none_is_a_404(page):
    _web, attempts, opened = page
    for attempt_id in (attempts["b"], 10**9):
        r, _ = opened(attempt_id)
        assert r.status_code == 404


def test_a_closed_session_is_sent_to_sign_in_before_anything_about_the_attempt(page):
    _web, attempts, opened = page
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user("a").id))
    db.session.commit()
    for attempt_id in (attempts["a"], attempts["b"]):
        r, statements = opened(attempt_id)
        assert r.status_code == 302 and "/login" in r.location
        assert len(statements) == 1  # nothing read beyond the refused statement


@pytest.mark.parametrize(
    "column, value, sent_to",
    [("is_active_account", False, "/login"), ("must_change_password", True, "/account/password")],
    ids=["a disabled account signs in again", "a one-time password is changed first"],
)
def test_the_account_is_checked_with_the_session(page, column, value, sent_to):
    _web, attempts, opened = page
    setattr(user("a"), column, value)
    db.session.commit()
    r, _ = opened(attempts["a"])
    assert r.status_code == 302 and sent_to in r.location


def test_without_the_staff_role_the_page_is_forbidden(page):
    _web, attempts, opened = page
    user("a").set_roles({Role.REVIEWER})
    db.session.commit()
    r, _ = opened(attempts["a"])
    assert r.status_code == 403
