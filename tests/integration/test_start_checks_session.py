"""开始考试 at the rush is one UPDATE that checks in itself what a start checks before it: the
sign-in session and staff role, the paper open and unchanged, the audience
(attempts.claim_prepared). Whatever it does not find as expected goes the long way."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, event, select

from exam_app.extensions import db
from exam_app.models import Attempt, Paper, Role, User
from exam_app.models.sign_in import LoginSession
from exam_app.services import attempts as attempt_service
from exam_app.services.preparing import prepare_due, prepared_count
from tests.factories import person
from tests.integration.test_preparing import _draw_paper, _prepared


@pytest.fixture
def open_paper(app):
    lead = person("lead", Role.LEAD)
    for name in ("a", "b", "c"):
        person(name, department="客服一部")
    paper = _draw_paper(lead, opens_in=-timedelta(minutes=5))
    prepare_due()
    attempt_service.forget_schedules()  # this worker has not seen the paper yet
    return paper


def _signed_in(make_client, username):
    web = make_client()
    web.login(username)
    web.get("/exams/")  # the page the button is on (its form token)
    return web


def _start(web, paper) -> tuple[object, list[str]]:
    url = f"/exams/papers/{paper.id}/start"  # read first: the test's own statement
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        response = web.post(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return response, statements


def _mine(paper, username) -> Attempt | None:
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.username == username))
    return db.session.scalar(
        select(Attempt).where(Attempt.paper_id == paper.id, Attempt.user_id == user.id)
    )


def _verbs(statements: list[str]) -> list[str]:
    return [" ".join(s.split()[:3]).upper() for s in statements]


def test_a_start_is_one_statement_once_the_worker_knows_the_paper(open_paper, make_client):
    """The start's own work: the paper's schedule the first time, then the claim alone; the
    exam page it answers with reads after it (its heading checks the session again)."""
    first, second = _signed_in(make_client, "a"), _signed_in(make_client, "b")
    r, statements = _start(first, open_paper)
    assert r.status_code == 200 and _verbs(statements)[:2] == [
        "SELECT PAPERS.TIME_LIMIT_MINUTES, PAPERS.CLOSES_AT",
        "UPDATE ATTEMPTS SET",
    ]
    r, statements = _start(second, open_paper)
    assert r.status_code == 200 and "/exams/attempts/" in r.headers["Content-Location"]
    # On PostgreSQL the claim's transaction also says its commit need not wait for the disk
    # (test_start_commit.py), in the same round trip.
    verbs = [v for v in _verbs(statements) if v != "SET LOCAL SYNCHRONOUS_COMMIT"]
    assert verbs[0] == "UPDATE ATTEMPTS SET" and all(v.startswith("SELECT") for v in verbs[1:])
    attempt = _mine(open_paper, "b")
    assert attempt.status == "in_progress"
    assert r.headers["Content-Location"] == f"/exams/attempts/{attempt.id}"
    assert attempt.candidate_code in r.get_data(as_text=True)
    assert r.headers["Cache-Control"] == "no-store"  # a private page, as when read by GET
    assert attempt.deadline_at == attempt.started_at + timedelta(minutes=60)


def test_a_closed_session_starts_nothing(open_paper, make_client):
    """ASVS V3.3.1: a signed-out session starts no attempt."""
    web = _signed_in(make_client, "a")
    db.session.execute(delete(LoginSession))
    db.session.commit()
    r, _ = _start(web, open_paper)
    assert r.status_code == 302 and "/login" in r.location
    assert _mine(open_paper, "a") is None and prepared_count(open_paper) == 3


def test_a_one_time_password_is_changed_first(open_paper, make_client):
    """ASVS V2.3.1: no start before a one-time password is changed."""
    web = _signed_in(make_client, "a")
    db.session.scalar(select(User).where(User.username == "a")).must_change_password = True
    db.session.commit()
    r, _ = _start(web, open_paper)
    assert r.status_code == 302 and "/account/password" in r.location
    assert _mine(open_paper, "a") is None and prepared_count(open_paper) == 3


def test_someone_moved_out_of_the_audience_is_told_and_starts_nothing(app, make_client):
    lead = person("lead", Role.LEAD)
    sitter = person("sitter", department="客服一部")
    elsewhere = person("elsewhere", department="客服二部")
    paper = _draw_paper(lead, opens_in=-timedelta(minutes=5), departments=[sitter.department_id])
    prepare_due()
    web = _signed_in(make_client, "sitter")
    db.session.get(User, sitter.id).department_id = elsewhere.department_id
    db.session.commit()
    r, _ = _start(web, paper)
    assert r.status_code == 302 and r.location.endswith("/exams/")
    assert "不在这份试卷的考试名单中" in web.get("/exams/").get_data(as_text=True)
    assert _mine(paper, "sitter") is None and prepared_count(paper) == 1


def test_a_paper_changed_after_the_worker_read_it_is_read_again(open_paper, make_client):
    _start(_signed_in(make_client, "a"), open_paper)  # the worker now knows: 60 minutes
    db.session.get(Paper, open_paper.id).time_limit_minutes = 30
    db.session.commit()
    r, _ = _start(_signed_in(make_client, "b"), open_paper)
    assert r.status_code == 302 and "/exams/attempts/" in r.location  # the long way
    attempt = _mine(open_paper, "b")
    assert attempt.deadline_at == attempt.started_at + timedelta(minutes=30)
    r, statements = _start(_signed_in(make_client, "c"), open_paper)
    # Read once more, then one statement again (and the page's reads after it).
    verbs = _verbs(statements)
    assert verbs[:2] == [
        "SELECT PAPERS.TIME_LIMIT_MINUTES, PAPERS.CLOSES_AT",
        "UPDATE ATTEMPTS SET",
    ]
    assert r.status_code == 200 and all(v.startswith("SELECT") for v in verbs[2:])


def test_a_closed_paper_starts_nothing(open_paper, make_client):
    web = _signed_in(make_client, "a")
    db.session.get(Paper, open_paper.id).status = "closed"
    db.session.commit()
    r, _ = _start(web, open_paper)
    assert r.status_code == 302 and r.location.endswith("/exams/")
    assert _mine(open_paper, "a") is None
    assert len(_prepared(open_paper)) == 3
