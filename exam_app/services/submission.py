"""Submitting an attempt: claimed once, graded, recorded and released in one transaction.

A submission reads its items' responses and keys (the key alone, taken out of each
snapshot by the database, not the whole snapshot), grades them with the pure grader,
writes every item's score in one executemany UPDATE and their score events in one
multi-row INSERT, and totals and releases the result: a handful of statements whatever
the number of items, and no ORM object per item.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm.attributes import set_committed_value

from exam_app.database import end_reads
from exam_app.extensions import db
from exam_app.grading import AUTO_KINDS, score_item
from exam_app.models import Attempt, AttemptItem, ItemSnapshot
from exam_app.models.base import utcnow
from exam_app.services import attempt_layouts
from exam_app.services.results import finalise_if_graded
from exam_app.services.scores import set_scores


def grace() -> timedelta:
    return timedelta(seconds=current_app.config["ANSWER_GRACE_SECONDS"])


@dataclass
class GradedItem:
    """One item as the submission needs it (shaped like an AttemptItem for results.py)."""

    id: int
    position: int
    section_position: int
    section_title: str
    kind: str
    points: Decimal
    response: Any
    key: dict | None
    rule: str | None
    score: Decimal | None = None
    counted: bool = True
    needs_review: bool = False


_a, _i = Attempt.__table__, AttemptItem.__table__
_CLAIM = (
    update(_a)
    .where(_a.c.id == bindparam("attempt_id"), _a.c.status == "in_progress")
    .values(status="submitted", submitted_at=bindparam("now"), auto_submitted=bindparam("auto"))
)
_s = ItemSnapshot.__table__
_ITEMS = (
    select(_i.c.id, _i.c.position, _i.c.section_position, _i.c.section_title, _i.c.kind,
           _i.c.points, _i.c.response, _s.c.content["key"], _s.c.content["rule"].as_string())
    .join(_s, _s.c.id == _i.c.snapshot_id)
    .where(_i.c.attempt_id == bindparam("attempt_id"))
    .order_by(_i.c.position)
)  # fmt: skip
_SCORE = (
    update(_i)
    .where(_i.c.id == bindparam("item_id"))
    .values(score=bindparam("b_score"), counted=bindparam("b_counted"),
            needs_review=bindparam("b_review"))
)  # fmt: skip


def submit(attempt: Attempt, now: datetime | None = None, *, auto: bool = False) -> bool:
    """Submit and grade once. Returns False when it had already been submitted."""
    now = now or utcnow()
    params = {"attempt_id": attempt.id, "now": now, "auto": auto}
    # SQLite: what was read so far (who, which attempt) ends here, so the write lock is
    # held from the claim to the commit only, not while the request was being read.
    end_reads()
    connection = db.session.connection()
    if connection.execute(_CLAIM, params).rowcount != 1:
        db.session.rollback()
        db.session.refresh(attempt)
        return False
    for name, value in (("status", "submitted"), ("submitted_at", now), ("auto_submitted", auto)):
        set_committed_value(attempt, name, value)  # as stored, without a second UPDATE
    attempt_layouts.forget(attempt.id)
    items = [
        GradedItem(*row) for row in connection.execute(_ITEMS, {"attempt_id": attempt.id}).all()
    ]
    mark_counted_choices(attempt, items)
    graded, blank = [], []
    for item in items:
        if not item.counted:
            continue
        if item.kind in AUTO_KINDS:
            graded.append((item, score_item(item.kind, item.key, item.response, item.points,
                                            item.rule).score))  # fmt: skip
        elif not (item.response or "").strip():
            # Nothing to read: a blank essay scores 0 without taking a reviewer's time.
            blank.append((item, Decimal(0)))
        else:
            item.needs_review = True
    set_scores(graded, source="auto", actor=None, reason="客观题自动评分", at=now)
    set_scores(blank, source="auto", actor=None, reason="未作答", at=now)
    connection.execute(_SCORE, [
        {"item_id": i.id, "b_score": i.score, "b_counted": i.counted, "b_review": i.needs_review}
        for i in items
    ])  # fmt: skip
    db.session.expire(attempt, ["items"])  # loaded before? its scores are now stale
    finalise_if_graded(attempt, now, items)  # commits: claim, scores and result at once
    return True


def mark_counted_choices(attempt: Attempt, items: list | None = None) -> None:
    """In a "任选 k 题" section the first k answered items (in the order shown) count;
    the others are left unscored, as Chinese papers say: 多答者按题号顺序计前 k 题."""
    items = attempt.items if items is None else items
    for section in attempt.sections or []:
        if section["mode"] != "choice":
            continue
        in_section = [i for i in items if i.section_position == section["position"]]
        answered = [i for i in in_section if i.response not in (None, "", [])]
        chosen = {i.id for i in answered[: section["choose_count"]]}
        # Fewer answered than k: unanswered items fill the quota with 0 points.
        for i in in_section:
            if len(chosen) >= section["choose_count"]:
                break
            chosen.add(i.id)
        for i in in_section:
            i.counted = i.id in chosen


def close_if_overdue(attempt: Attempt, now: datetime) -> bool:
    if attempt.status == "in_progress" and now > attempt.deadline_at + grace():
        return submit(attempt, now, auto=True)
    return False


def close_overdue(now: datetime | None = None) -> int:
    """Submit every attempt left open past its deadline (run from cron too)."""
    now = now or utcnow()
    overdue = db.session.scalars(
        select(Attempt).where(Attempt.status == "in_progress", Attempt.deadline_at < now - grace())
    ).all()
    return sum(1 for attempt in overdue if submit(attempt, now, auto=True))
