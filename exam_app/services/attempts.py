"""Sitting an exam: start (snapshot), save answers, submit, close overdue attempts.

The server owns the clock: every call takes `now` (UTC) so tests can move time, and
views pass the real time.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from exam_app.extensions import db
from exam_app.grading import AUTO_KINDS, score_item
from exam_app.models import Attempt, AttemptItem, Paper, Role, User
from exam_app.models.base import utcnow
from exam_app.services.drawing import draw_items
from exam_app.services.errors import NotAllowed, ServiceError
from exam_app.services.responses import clean_response
from exam_app.services.results import finalise_if_graded
from exam_app.services.scores import set_score

# No 0/O/1/I: candidate codes are read aloud and typed by people.
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _grace() -> timedelta:
    return timedelta(seconds=current_app.config["ANSWER_GRACE_SECONDS"])


def _candidate_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))


def _effective_rule(question_rule: str | None, kind: str, paper: Paper) -> str | None:
    if kind == "multi":
        return question_rule or paper.multi_rule
    if kind == "fill":
        return question_rule or "per_blank"
    return None


def find_attempt(paper: Paper, user: User) -> Attempt | None:
    return db.session.scalar(
        select(Attempt).where(Attempt.paper_id == paper.id, Attempt.user_id == user.id)
    )


def start_attempt(paper: Paper, user: User, now: datetime | None = None) -> Attempt:
    """Start, or resume, `user`'s attempt; the drawn items are frozen in it."""
    now = now or utcnow()
    if not user.has_role(Role.STAFF):
        raise NotAllowed("只有客服人员可以参加考试。")
    existing = find_attempt(paper, user)
    if existing:
        close_if_overdue(existing, now)
        return existing
    if paper.status != "published":
        raise ServiceError("这份试卷尚未发布。")
    if now < paper.opens_at:
        raise ServiceError("考试尚未开始，请在开放时间内进入。")
    if now >= paper.closes_at:
        raise ServiceError("考试已经结束，不能再开始作答。")

    seed = secrets.randbits(31)
    drawn = draw_items(paper, seed)
    deadline = min(now + timedelta(minutes=paper.time_limit_minutes), paper.closes_at)
    attempt = Attempt(
        paper=paper,
        user=user,
        candidate_code=_candidate_code(),
        seed=seed,
        started_at=now,
        deadline_at=deadline,
        max_total=sum((d.points for d in drawn), start=0),
    )
    for position, d in enumerate(drawn, start=1):
        snapshot = d.question.snapshot()
        snapshot["rule"] = _effective_rule(d.question.rule, d.question.kind, paper)
        attempt.items.append(
            AttemptItem(
                position=position,
                section_position=d.section.position,
                section_title=d.section.title,
                question_id=d.question.id,
                kind=d.question.kind,
                points=d.points,
                snapshot=snapshot,
            )
        )
    db.session.add(attempt)
    try:
        db.session.commit()
    except IntegrityError:
        # Two tabs pressed "开始" at once: the other one won; use its attempt.
        db.session.rollback()
        existing = find_attempt(paper, user)
        if existing is None:
            raise
        return existing
    return attempt


@dataclass(frozen=True)
class SaveResult:
    saved: bool  # False: a newer save was already stored (this one was stale)
    seq: int
    saved_at: datetime | None


def save_answer(
    attempt: Attempt, position: int, response: Any, seq: int, now: datetime | None = None
) -> SaveResult:
    now = now or utcnow()
    if attempt.status != "in_progress":
        raise ServiceError("本场考试已交卷，不能再修改答案。", status=409)
    if now > attempt.deadline_at + _grace():
        close_if_overdue(attempt, now)
        raise ServiceError("考试时间已到，此答案未被接受；此前已保存的答案已自动交卷。", status=409)
    item = next((i for i in attempt.items if i.position == position), None)
    if item is None:
        raise ServiceError(f"本场考试没有第 {position} 题。", status=404)
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        raise ServiceError("保存序号无效。")
    value = clean_response(item, response)
    # One conditional UPDATE: of two racing saves, only the newer sequence number lands.
    result = db.session.execute(
        update(AttemptItem)
        .where(AttemptItem.id == item.id, AttemptItem.save_seq < seq)
        .values(response=value, save_seq=seq, saved_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    db.session.refresh(item)
    return SaveResult(saved=result.rowcount == 1, seq=item.save_seq, saved_at=item.saved_at)


def submit(attempt: Attempt, now: datetime | None = None, *, auto: bool = False) -> bool:
    """Submit and grade once. Returns False when it had already been submitted."""
    now = now or utcnow()
    claimed = db.session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.status == "in_progress")
        .values(status="submitted", submitted_at=now, auto_submitted=auto)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        db.session.refresh(attempt)
        return False
    for item in attempt.items:
        if item.kind in AUTO_KINDS:
            snap = item.snapshot
            outcome = score_item(item.kind, snap["key"], item.response, item.points, snap["rule"])
            set_score(item, outcome.score, source="auto", actor=None, reason="客观题自动评分")
        else:
            item.needs_review = True
    db.session.commit()
    db.session.refresh(attempt)
    finalise_if_graded(attempt, now)
    return True


def close_if_overdue(attempt: Attempt, now: datetime) -> bool:
    if attempt.status == "in_progress" and now > attempt.deadline_at + _grace():
        return submit(attempt, now, auto=True)
    return False


def close_overdue(now: datetime | None = None) -> int:
    """Submit every attempt left open past its deadline (run from cron too)."""
    now = now or utcnow()
    overdue = db.session.scalars(
        select(Attempt).where(Attempt.status == "in_progress", Attempt.deadline_at < now - _grace())
    ).all()
    return sum(1 for attempt in overdue if submit(attempt, now, auto=True))
