"""A paper of one single-choice item (2 points) and the 10-point marking essay, sat by staff.

Objective items give automatic grading and regrade; the essay gives reviews and appeals.
"""

from __future__ import annotations

from datetime import timedelta

from exam_app.extensions import db
from exam_app.models import Attempt, AttemptItem, Paper, User
from exam_app.models.base import utcnow
from exam_app.services.attempts import start_attempt, submit
from exam_app.services.autosave import save_answer
from exam_app.services.papers import add_fixed_section, create_paper, publish
from tests.factories import first_of_kind
from tests.marking_fixtures import ANSWER, essay_question


def mixed_paper(lead: User, *, essay: bool = True, title: str = "申诉测试卷") -> Paper:
    now = utcnow()
    paper = create_paper(
        title=title,
        quarter="2026Q4",
        opens_at=now - timedelta(minutes=5),
        closes_at=now + timedelta(days=1),
        time_limit_minutes=60,
        pass_mark="6" if essay else "1",
        created_by=lead,
    )
    add_fixed_section(
        paper, title="一、单选题", question_uids=[first_of_kind("single").uid], points="2"
    )
    if essay:
        add_fixed_section(paper, title="二、案例分析", question_uids=[essay_question().uid])
    publish(paper)
    return paper


def single_of(attempt: Attempt) -> AttemptItem:
    return next(i for i in attempt.items if i.kind == "single")


def essay_of(attempt: Attempt) -> AttemptItem:
    return next(i for i in attempt.items if i.kind == "essay")


def sit_mixed(paper: Paper, staff: User, choice: str | None = None) -> Attempt:
    """Answer the single choice with `choice` (the key when None) and the essay; submit."""
    attempt = start_attempt(paper, staff)
    single = single_of(attempt)
    save_answer(attempt, single.position, choice or single.snapshot["key"]["answer"], 1)
    if any(i.kind == "essay" for i in attempt.items):
        save_answer(attempt, essay_of(attempt).position, ANSWER, 1)
    submit(attempt)
    db.session.expire_all()
    return db.session.get(Attempt, attempt.id)


def other_label(item: AttemptItem, *avoid: str) -> str:
    labels = [o["label"] for o in item.snapshot["options"]]
    return next(label for label in labels if label not in avoid)
