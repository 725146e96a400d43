"""SQL statements per request do not grow with the bank or with the history.

The start endpoint, the attempt page and the autosave endpoint are counted once with a
draw pool of 10 items, one earlier attempt of the candidate and one of another person, and
again after the pool has grown to 300 items, the candidate has 19 earlier attempts and 50
other people have sat the paper. Each count must be the same.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event, inspect, select

from exam_app.extensions import db
from exam_app.models import Attempt, Question, Role
from exam_app.models.base import utcnow
from exam_app.services import attempt_layouts
from exam_app.services import attempts as attempt_service
from exam_app.services import papers as paper_service
from exam_app.web import question_html
from tests.factories import first_of_kind, key_response, person

TOPIC = "查询计数专用知识点"


def _grow_pool(upto: int) -> None:
    """Reviewed single-choice items in TOPIC, copied from a shipped one, until `upto`."""
    model = first_of_kind("single")
    have = db.session.scalar(select(db.func.count()).where(Question.topic == TOPIC))
    columns = [c.key for c in inspect(Question).column_attrs if c.key not in ("id", "uid")]
    for n in range(have, upto):
        copy = Question(**{c: getattr(model, c) for c in columns})
        copy.uid, copy.topic, copy.status = f"qc-{n:04d}", TOPIC, "reviewed"
        copy.exclusion_group = None  # copies of one item, but not twins to the draw here
        db.session.add(copy)
    db.session.commit()


def _paper(lead):
    now = utcnow()
    paper = paper_service.create_paper(
        created_by=lead, title="查询计数", quarter="2026Q4", opens_at=now - timedelta(minutes=5),
        closes_at=now + timedelta(days=1), time_limit_minutes=60, pass_mark="1",
        attempts_allowed=20,
    )  # fmt: skip
    uids = [first_of_kind(k).uid for k in ("single", "multi", "tf", "fill")]
    paper_service.add_fixed_section(paper, title="一、客观题", question_uids=uids, points="2")
    paper_service.add_draw_section(paper, title="二、抽题", topic=TOPIC, count=5,
                                   points_each="2", kind="single")  # fmt: skip
    paper_service.publish(paper)
    return paper


def _sit_and_submit(paper, user, times: int) -> None:
    for _ in range(times):
        attempt = attempt_service.start_attempt(paper, user)
        attempt_service.submit(attempt)


def _counted(call) -> tuple[object, list[str]]:
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        result = call()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return result, statements


def _measure(paper, username: str, make_client) -> dict[str, int]:
    # Each measure from cold per-worker caches, as whatever ran before in this process left
    # them: a first view reads its items' shown parts once more (attempt_layouts.py).
    attempt_layouts.clear()
    question_html.forget_pages()
    web = make_client()
    web.login(username)
    web.get("/exams/")  # a token for the form post, from the page the candidate is on
    response, start = _counted(lambda: web.post(f"/exams/papers/{paper.id}/start"))
    assert response.status_code == 302 and "/exams/attempts/" in response.location
    attempt_id = int(response.location.rstrip("/").rsplit("/", 1)[1])
    page, take = _counted(lambda: web.get(f"/exams/attempts/{attempt_id}"))
    assert page.status_code == 200
    attempt = db.session.get(Attempt, attempt_id)
    first = attempt.items[0]
    body = {"position": 1, "response": key_response(first.snapshot), "seq": 1}
    url = f"/exams/attempts/{attempt_id}/answers"
    saved, save = _counted(lambda: web.post_json(url, body))
    assert saved.status_code == 200 and saved.json["saved"]
    return {"start": len(start), "attempt page": len(take), "save": len(save)}


def test_statements_per_request_do_not_grow_with_bank_or_history(app, make_client):
    lead = person("qc-lead", Role.LEAD)
    _grow_pool(10)
    paper = _paper(lead)
    small_user, other = person("qc-small"), person("qc-other")
    _sit_and_submit(paper, small_user, 1)
    _sit_and_submit(paper, other, 1)
    small = _measure(paper, "qc-small", make_client)

    _grow_pool(300)
    big_user = person("qc-big")
    _sit_and_submit(paper, big_user, 19)
    for n in range(49):
        _sit_and_submit(paper, person(f"qc-crowd{n}"), 1)
    assert db.session.scalar(select(db.func.count()).where(Attempt.paper_id == paper.id)) >= 70
    big = _measure(paper, "qc-big", make_client)

    assert big == small, f"10 items / 1 attempt: {small}; 300 items / 19+50 attempts: {big}"
