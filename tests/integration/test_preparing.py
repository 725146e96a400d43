"""Attempts prepared before the window opens: the start at the rush is one UPDATE, with the
guarantees of a start on the spot (services/preparing.py)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from exam_app.extensions import db
from exam_app.models import Attempt, AttemptItem, Paper, Question, Role
from exam_app.models.base import utcnow
from exam_app.services import papers as paper_service
from exam_app.services.attempts import start, start_attempt, submit
from exam_app.services.audience import set_audience
from exam_app.services.drawing import replay
from exam_app.services.errors import NotAllowed, ServiceError
from exam_app.services.preparing import prepare, prepare_due, prepared_count
from tests.factories import first_of_kind, loop_paper, person

DRAW_TOPIC = "供用电基本知识"


def _draw_paper(lead, *, count=3, opens_in=timedelta(hours=2), departments=()) -> Paper:
    now = utcnow()
    paper = paper_service.create_paper(
        created_by=lead, title="预备抽题考试", quarter="2026Q4", opens_at=now + opens_in,
        closes_at=now + opens_in + timedelta(days=1), time_limit_minutes=60, pass_mark="1",
    )  # fmt: skip
    paper_service.add_fixed_section(paper, title="一、固定", question_uids=[first_of_kind("tf").uid],
                                    points="1")  # fmt: skip
    paper_service.add_draw_section(paper, title="二、抽题", topic=DRAW_TOPIC, count=count,
                                   points_each="2")  # fmt: skip
    if departments:
        set_audience(paper, list(departments), [])
    paper_service.publish(paper)
    return paper


def _prepared(paper) -> list[Attempt]:
    return db.session.scalars(
        select(Attempt).where(Attempt.paper_id == paper.id, Attempt.status == "prepared")
    ).all()


def test_every_sitter_gets_one_prepared_attempt_that_nobody_sees_until_they_start(app, make_client):
    lead = person("lead", Role.LEAD)
    staff = [person(f"s{n}") for n in range(3)]
    paper = _draw_paper(lead, opens_in=-timedelta(minutes=5))
    assert prepare_due() == 3
    assert prepare_due() == 0  # safe to repeat: nobody gets a second one
    prepared = _prepared(paper)
    assert sorted(a.reserved_for_id for a in prepared) == sorted(s.id for s in staff)
    assert all(a.user_id is None for a in prepared)
    # Nothing that lists a person's attempts sees it: not their staff file, not 「我的考试」.
    assert db.session.scalar(select(func.count()).where(Attempt.user_id == staff[0].id)) == 0
    web = make_client()
    web.login("s0")
    page = web.get("/exams/").get_data(as_text=True)
    assert "开始考试" in page and "作答中" not in page and "已备卷" not in page


def test_a_prepared_attempt_is_started_by_one_update_and_keeps_its_draw(app, make_client):
    lead = person("lead", Role.LEAD)
    sitter = person("sitter")
    person("warm")  # a second sitter: usage counts differ between the two draws
    paper = _draw_paper(lead, opens_in=-timedelta(minutes=5))
    prepare_due()
    before = next(a for a in _prepared(paper) if a.reserved_for_id == sitter.id)
    drawn = [i.snapshot["uid"] for i in before.items]
    web = make_client()
    web.login("sitter")
    web.get("/exams/")
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        response = web.post(f"/exams/papers/{paper.id}/start")
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert response.status_code == 200  # the exam page, in the start's own answer
    assert response.headers["Content-Location"] == f"/exams/attempts/{before.id}"
    writes = [s for s in statements if not s.lstrip().upper().startswith("SELECT")]
    assert len(writes) == 1 and writes[0].lstrip().upper().startswith("UPDATE ATTEMPTS")
    db.session.expire_all()
    attempt = db.session.get(Attempt, before.id)
    assert attempt.status == "in_progress" and attempt.user_id == sitter.id
    assert attempt.deadline_at == attempt.started_at + timedelta(minutes=60)
    assert [i.snapshot["uid"] for i in attempt.items] == drawn
    # Reproducible from the stored seed and log, as a start on the spot.
    replayed = replay(attempt.draw_log, attempt.seed, {2: 3})
    assert replayed[2] == [i.snapshot["uid"] for i in attempt.items if i.section_position == 2]
    # A second press (another tab) resumes it.
    assert start(paper, sitter) == attempt.id


def test_prepared_draws_take_the_least_used_items_first(app):
    lead = person("lead", Role.LEAD)
    pool = db.session.scalar(
        select(func.count()).where(Question.topic == DRAW_TOPIC, Question.status == "reviewed",
                                   Question.case_id.is_(None))
    )  # fmt: skip
    people = max(2, pool // 3)
    for n in range(people):
        person(f"s{n}")
    paper = _draw_paper(lead)
    prepare(paper)
    uses = Counter(
        db.session.scalars(
            select(AttemptItem.question_id)
            .join(Attempt, Attempt.id == AttemptItem.attempt_id)
            .where(Attempt.paper_id == paper.id, AttemptItem.section_position == 2)
        )
    )
    assert max(uses.values()) - min(uses.values()) <= 1  # spread, not the same three each time


def test_nobody_starts_an_attempt_they_may_no_longer_sit(app):
    lead = person("lead", Role.LEAD)
    sitter = person("sitter", department="客服一部")
    other = person("other", department="客服二部")
    paper = _draw_paper(lead, opens_in=-timedelta(minutes=5), departments=[sitter.department_id])
    prepare_due()
    assert prepared_count(paper) == 1 and _prepared(paper)[0].reserved_for_id == sitter.id
    sitter.department_id = other.department_id  # moved to another department meanwhile
    db.session.commit()
    with pytest.raises(NotAllowed):
        start(paper, sitter)
    assert prepared_count(paper) == 1  # untouched, and nobody else's


def test_a_paper_whose_items_changed_before_opening_is_prepared_again(app):
    lead = person("lead", Role.LEAD)
    person("sitter")
    paper = _draw_paper(lead)
    prepare_due()
    old = {(a.candidate_code, a.prepared_from) for a in _prepared(paper)}
    fixed = db.session.get(Question, paper.sections[0].items[0].question_id)
    # What an edit in the bank does to the item: new text, next version.
    fixed.stem, fixed.version = fixed.stem + "（修订）", fixed.version + 1
    db.session.commit()
    assert prepare_due() == 1
    renewed = _prepared(paper)
    assert len(renewed) == 1  # (its id may be the old one's: SQLite reuses the highest)
    assert (renewed[0].candidate_code, renewed[0].prepared_from) not in old
    assert renewed[0].items[0].snapshot["stem"].endswith("（修订）")


def test_prepared_attempts_of_a_closed_paper_are_dropped(app):
    lead = person("lead", Role.LEAD)
    person("sitter")
    paper = _draw_paper(lead)
    prepare_due()
    paper.status = "closed"
    db.session.commit()
    prepare_due()
    assert prepared_count(paper) == 0
    assert db.session.scalar(select(func.count()).select_from(AttemptItem)) == 0


def test_someone_who_already_sat_is_not_prepared_again_and_keeps_their_limit(app):
    lead = person("lead", Role.LEAD)
    sitter = person("sitter")
    paper = loop_paper(lead)
    attempt = start_attempt(paper, sitter)
    submit(attempt)
    prepare_due()
    assert prepared_count(paper) == 0
    with pytest.raises(ServiceError, match="最多可作答 1 次"):
        start(paper, sitter)


def test_publishing_a_paper_prepares_its_sitters_at_once(app, client):
    lead = person("lead", Role.LEAD)
    for n in range(3):
        person(f"s{n}")
    now = utcnow()
    paper = paper_service.create_paper(
        created_by=lead, title="发布即备卷", quarter="2026Q4", opens_at=now + timedelta(hours=1),
        closes_at=now + timedelta(days=1), time_limit_minutes=60, pass_mark="1",
    )  # fmt: skip
    paper_service.add_fixed_section(
        paper, title="一、固定", question_uids=[first_of_kind("tf").uid], points="1"
    )
    client.login("lead")
    response = client.post(f"/papers/{paper.id}/publish")
    assert response.status_code == 302
    assert "已为 3 人预先抽好试题" in client.get(response.location).get_data(as_text=True)
    assert prepared_count(paper) == 3
