"""The reviewer's queue and claims: who is reading which answer, so nobody marks it twice.

A claim holds a marking task for REVIEW_CLAIM_MINUTES (30 by default); after that anyone may
take it over. Claiming is one conditional UPDATE, so of two reviewers pressing 领取 at once
exactly one gets the task. Reviewers see candidate codes only, never who the candidate is.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import case, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from exam_app.extensions import db
from exam_app.models import Attempt, AttemptItem, MarkingTask, Paper, Question, Review, User
from exam_app.models.marking import MARK
from exam_app.services.errors import ServiceError
from exam_app.services.marking import free_clause
from exam_app.services.reviews import check_can_review


@dataclass(frozen=True)
class QueueRow:
    task_id: int
    item_id: int
    candidate_code: str
    paper_id: int
    paper_title: str
    question_id: int | None
    position: int
    section_title: str
    points: Decimal
    mine: bool  # the reviewer holds it
    expires_at: datetime | None  # None while held: assigned by the lead
    assigned: bool


@dataclass(frozen=True)
class QuestionQueue:
    paper_id: int
    paper_title: str
    question_id: int | None
    question_uid: str | None
    stem: str | None
    waiting: int


@dataclass(frozen=True)
class MarkState:
    """Where the reviewer stands with one answer."""

    state: str  # claimed | free | taken (someone else holds it) | done (by them) | closed
    expires_at: datetime | None = None
    assigned: bool = False
    my_review: Review | None = None

    @property
    def can_mark(self) -> bool:
        return self.state in ("claimed", "free")


def claim_minutes() -> int:
    default = os.environ.get("REVIEW_CLAIM_MINUTES", "30")
    return int(current_app.config.get("REVIEW_CLAIM_MINUTES", default))


def _claimable(reviewer: User, now: datetime, *columns):
    """Open marks this reviewer may take or already holds: never on their own answers, never
    a second mark on an answer they hold or marked already (double marks stay independent)."""
    other = aliased(MarkingTask)
    return (
        select(*columns)
        .select_from(MarkingTask)
        .join(AttemptItem, MarkingTask.attempt_item_id == AttemptItem.id)
        .join(Attempt, AttemptItem.attempt_id == Attempt.id)
        .where(
            MarkingTask.kind == MARK,
            MarkingTask.status == "open",
            Attempt.user_id != reviewer.id,
            or_(MarkingTask.holder_id == reviewer.id, free_clause(now)),
            ~exists().where(
                other.attempt_item_id == MarkingTask.attempt_item_id,
                other.holder_id == reviewer.id,
                other.id != MarkingTask.id,
            ),
        )
    )


def waiting_count(reviewer: User, now: datetime) -> int:
    """Answers this reviewer could mark now, their own claims included: one query."""
    query = _claimable(reviewer, now, func.count(func.distinct(MarkingTask.attempt_item_id)))
    return db.session.scalar(query) or 0


def queue(
    reviewer: User,
    now: datetime,
    *,
    paper_id: int | None = None,
    question_id: int | None = None,
    candidate: str | None = None,
    mine_only: bool = False,
    limit: int = 200,
) -> list[QueueRow]:
    """Answers to mark, oldest submission first, each once (the reviewer's own claim first)."""
    query = (
        _claimable(
            reviewer,
            now,
            MarkingTask.id,
            MarkingTask.attempt_item_id,
            Attempt.candidate_code,
            Attempt.paper_id,
            Paper.title,
            AttemptItem.question_id,
            AttemptItem.position,
            AttemptItem.section_title,
            AttemptItem.points,
            MarkingTask.holder_id,
            MarkingTask.expires_at,
            MarkingTask.assigned_by_id,
        )
        .join(Paper, Attempt.paper_id == Paper.id)
        .order_by(
            Attempt.submitted_at,
            Attempt.id,
            AttemptItem.position,
            case((MarkingTask.holder_id == reviewer.id, 0), else_=1),
            MarkingTask.slot,
        )
    )
    if paper_id is not None:
        query = query.where(Attempt.paper_id == paper_id)
    if question_id is not None:
        query = query.where(AttemptItem.question_id == question_id)
    if candidate:
        query = query.where(Attempt.candidate_code == candidate.strip().upper())
    if mine_only:
        query = query.where(MarkingTask.holder_id == reviewer.id)
    rows: dict[int, QueueRow] = {}
    # A double-marked answer has two open tasks: fetch enough to fill `limit` answers.
    for r in db.session.execute(query.limit(limit * 2)):
        if r.attempt_item_id not in rows and len(rows) < limit:
            rows[r.attempt_item_id] = QueueRow(
                r.id, r.attempt_item_id, r.candidate_code, r.paper_id, r.title, r.question_id,
                r.position, r.section_title, r.points, r.holder_id == reviewer.id,
                r.expires_at, r.assigned_by_id is not None,
            )  # fmt: skip
    return list(rows.values())


def by_question(reviewer: User, now: datetime) -> list[QuestionQueue]:
    """How many answers wait per paper and question: marking teams take one question at a time."""
    query = (
        _claimable(
            reviewer,
            now,
            Attempt.paper_id,
            Paper.title,
            AttemptItem.question_id,
            Question.uid,
            Question.stem,
            func.count(func.distinct(MarkingTask.attempt_item_id)),
        )
        .join(Paper, Attempt.paper_id == Paper.id)
        .outerjoin(Question, AttemptItem.question_id == Question.id)
        .group_by(
            Attempt.paper_id, Paper.title, AttemptItem.question_id, Question.uid, Question.stem
        )
        .order_by(Attempt.paper_id, Question.uid)
    )
    return [QuestionQueue(*row) for row in db.session.execute(query)]


def _take(task_id: int, reviewer: User, now: datetime) -> bool:
    try:
        result = db.session.execute(
            update(MarkingTask)
            .where(
                MarkingTask.id == task_id,
                MarkingTask.status == "open",
                or_(MarkingTask.holder_id == reviewer.id, free_clause(now)),
            )
            .values(
                holder_id=reviewer.id,
                claimed_at=now,
                expires_at=now + timedelta(minutes=claim_minutes()),
                assigned_by_id=None,
            )
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
    except IntegrityError:  # they took another mark of the same answer meanwhile
        db.session.rollback()
        raise ServiceError(
            "您已领取或评阅过这道题的另一评，双评须由不同的人评阅。", status=409
        ) from None
    return result.rowcount == 1


def claim(item: AttemptItem, reviewer: User, now: datetime) -> MarkingTask:
    """Claim (or renew the claim on) a mark of this answer for the reviewer."""
    check_can_review(item, reviewer)
    tasks = db.session.scalars(
        select(MarkingTask)
        .where(MarkingTask.attempt_item_id == item.id)
        .order_by(MarkingTask.slot)
        .execution_options(populate_existing=True)
    ).all()
    mine = [t for t in tasks if t.holder_id == reviewer.id]
    if any(t.status == "done" for t in mine):
        raise ServiceError("您已评阅过这道题。", status=409)
    if mine and mine[0].expires_at is None:
        return mine[0]  # assigned by the lead: nothing to renew
    candidates = mine or [
        t
        for t in tasks
        if t.kind == MARK and t.status == "open" and not t.held_by_someone_else(reviewer.id, now)
    ]
    for task in candidates:
        if _take(task.id, reviewer, now):
            db.session.refresh(task)
            return task
    raise ServiceError("这道题已由其他阅卷人领取或评完，请评阅其他题目。", status=409)


def claim_next(
    reviewer: User, now: datetime, *, paper_id: int | None = None, question_id: int | None = None
) -> MarkingTask | None:
    """The reviewer's next answer (of one question, when given): their own claim first."""
    rows = queue(reviewer, now, paper_id=paper_id, question_id=question_id, limit=20)
    for row in sorted(rows, key=lambda r: not r.mine):
        item = db.session.get(AttemptItem, row.item_id)
        try:
            return claim(item, reviewer, now)
        except ServiceError:
            continue  # taken by someone else a moment ago: try the next one
    return None


def give_back(item: AttemptItem, reviewer: User) -> None:
    """The reviewer lets go of their claim on this answer."""
    result = db.session.execute(
        update(MarkingTask)
        .where(
            MarkingTask.attempt_item_id == item.id,
            MarkingTask.holder_id == reviewer.id,
            MarkingTask.status == "open",
        )
        .values(holder_id=None, claimed_at=None, expires_at=None, assigned_by_id=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if result.rowcount == 0:
        raise ServiceError("您没有领取这道题。", status=409)


def mark_state(item: AttemptItem, reviewer: User, now: datetime) -> MarkState:
    mine = db.session.scalar(
        select(Review).where(Review.attempt_item_id == item.id, Review.reviewer_id == reviewer.id)
    )
    if mine is not None:
        return MarkState("done", my_review=mine)
    tasks = db.session.scalars(
        select(MarkingTask)
        .where(MarkingTask.attempt_item_id == item.id, MarkingTask.kind == MARK)
        .execution_options(populate_existing=True)
    ).all()
    held = next((t for t in tasks if t.holder_id == reviewer.id and t.status == "open"), None)
    if held is not None:
        return MarkState("claimed", held.expires_at, held.assigned_by_id is not None)
    waiting = [t for t in tasks if t.status == "open"]
    if any(not t.held_by_someone_else(reviewer.id, now) for t in waiting):
        return MarkState("free")
    return MarkState("taken" if waiting else "closed")
