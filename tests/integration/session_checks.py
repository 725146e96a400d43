"""Two candidates sitting an open paper, and what a request sent: for the tests of the rush's
pages and writes that check the session in their own statement."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event, select

from exam_app.extensions import db
from exam_app.models import Attempt, Role, User
from exam_app.services.preparing import prepare_due
from tests.factories import person
from tests.integration.test_preparing import _draw_paper


def two_started(make_client) -> tuple[dict, dict]:
    """a and b signed in, each with their prepared attempt of an open paper started: (their
    clients, their attempts' ids)."""
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


def sent(web, url: str, method: str = "get"):
    """The response, and each statement sent for it."""
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        return getattr(web, method)(url), statements
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)


def user(name: str) -> User:
    return db.session.scalar(select(User).where(User.username == name))
