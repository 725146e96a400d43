"""Build people and papers through the services, as the app itself does."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from sqlalchemy import select

from exam_app.extensions import db
from exam_app.models import Paper, Question, Role, User
from exam_app.models.base import utcnow
from exam_app.services.accounts import create_user
from exam_app.services.papers import add_draw_section, add_fixed_section, create_paper, publish
from tests.helpers import PASSWORD

_numbers = itertools.count(1)
ESSAY_TOPIC = "供用电基本知识"


def person(username: str, *roles: Role, department: str = "客服一部") -> User:
    return create_user(
        username=username,
        name=f"测试{username}",
        staff_no=f"T{next(_numbers):05d}",
        password=PASSWORD,
        roles=set(roles) or {Role.STAFF},
        department=department,
    )


def first_of_kind(kind: str, *, in_case: bool = False) -> Question:
    query = select(Question).where(Question.kind == kind).order_by(Question.uid)
    query = query.where(Question.case_id.is_not(None) if in_case else Question.case_id.is_(None))
    question = db.session.scalars(query).first()
    assert question is not None, f"the shipped bank has no {kind} item"
    return question


def loop_paper(
    lead: User,
    *,
    now: datetime | None = None,
    minutes: int = 60,
    window: timedelta = timedelta(days=1),
    pass_mark: str = "10",
    title: str = "2026年第4季度综合考试",
) -> Paper:
    """Every objective kind (2 points each), one drawn essay (5) and one case question."""
    now = now or utcnow()
    paper = create_paper(
        title=title,
        quarter="2026Q4",
        opens_at=now - timedelta(minutes=5),
        closes_at=now + window,
        time_limit_minutes=minutes,
        pass_mark=pass_mark,
        created_by=lead,
    )
    objective = [first_of_kind(k).uid for k in ("single", "multi", "tf", "fill")]
    add_fixed_section(paper, title="一、客观题", question_uids=objective, points="2")
    add_draw_section(paper, title="二、供用电基本知识", topic=ESSAY_TOPIC, count=1,
                     points_each="5", kind="essay")  # fmt: skip
    add_fixed_section(
        paper, title="三、案例分析", question_uids=[first_of_kind("essay", in_case=True).uid]
    )
    publish(paper)
    return paper


def key_response(snapshot: dict):
    """The response that matches an objective item's key exactly."""
    key, kind = snapshot["key"], snapshot["kind"]
    if kind == "single" or kind == "tf":
        return key["answer"]
    if kind == "multi":
        return list(key["answers"])
    if kind == "fill":
        return [alternatives[0][0] for alternatives in key["blanks"]]
    raise ValueError(kind)
