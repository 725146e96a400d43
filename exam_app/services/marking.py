"""Marking tasks: the marks each answer needs, and the lead's hand on who marks what.

An answer that waits for a reviewer gets one task (slot 1), or two when its paper is double
marked; a third (slot 3) or the lead's arbitration (slot 4) is opened when the marks disagree.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.exc import IntegrityError

from exam_app.extensions import db
from exam_app.models import Attempt, AttemptItem, MarkingTask, Role, User
from exam_app.models.marking import MARK
from exam_app.services.errors import ServiceError


def free_clause(now: datetime):
    """Nobody holds the task, or the claim has run out (a lead's assignment never does)."""
    return or_(
        MarkingTask.holder_id.is_(None),
        and_(MarkingTask.expires_at.is_not(None), MarkingTask.expires_at < now),
    )


def held_clause(now: datetime):
    """Someone holds the task and the claim is still good."""
    return and_(
        MarkingTask.holder_id.is_not(None),
        or_(MarkingTask.expires_at.is_(None), MarkingTask.expires_at >= now),
    )


def open_tasks(attempt: Attempt) -> int:
    """Give each answer of `attempt` that waits for a reviewer its tasks; safe to repeat."""
    waiting = db.session.scalars(
        select(AttemptItem.id).where(
            AttemptItem.attempt_id == attempt.id,
            AttemptItem.needs_review.is_(True),
            ~exists().where(MarkingTask.attempt_item_id == AttemptItem.id),
        )
    ).all()
    if not waiting:
        return 0
    slots = (1, 2) if attempt.paper.double_marking else (1,)
    try:
        # A savepoint: losing the race loses these rows only, not the caller's work (a
        # submission commits its claim and scores with them).
        with db.session.begin_nested():
            db.session.add_all(
                MarkingTask(attempt_item_id=i, slot=s) for i in waiting for s in slots
            )
    except IntegrityError:  # another request opened them a moment ago
        pass
    db.session.commit()
    return len(waiting)


def release_claim(task: MarkingTask) -> None:
    """The lead frees a task someone holds: anyone may take it again."""
    done = db.session.execute(
        update(MarkingTask)
        .where(MarkingTask.id == task.id, MarkingTask.status == "open")
        .values(holder_id=None, claimed_at=None, expires_at=None, assigned_by_id=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    db.session.refresh(task)
    if done.rowcount != 1:
        raise ServiceError("这项评阅已经完成，无需释放。", status=409)


def assign(task: MarkingTask, reviewer: User, lead: User, now: datetime) -> None:
    """The lead gives a task to a reviewer; it stays theirs until done or released."""
    if task.kind != MARK:
        raise ServiceError("仲裁由培训负责人在仲裁页完成，不能分配给阅卷人。", field="reviewer")
    if not reviewer.has_role(Role.REVIEWER):
        raise ServiceError(f"{reviewer.name}不是阅卷人。", field="reviewer")
    item = db.session.get(AttemptItem, task.attempt_item_id)
    if item.attempt.user_id == reviewer.id:
        raise ServiceError(f"不能把{reviewer.name}自己的答卷分配给本人评阅。", field="reviewer")
    other = db.session.scalar(
        select(MarkingTask.id).where(
            MarkingTask.attempt_item_id == task.attempt_item_id,
            MarkingTask.holder_id == reviewer.id,
            MarkingTask.id != task.id,
        )
    )
    if other is not None:
        raise ServiceError(
            f"{reviewer.name}已领取或评阅过这道题的另一评，双评须由不同的人评阅。", field="reviewer"
        )
    try:
        done = db.session.execute(
            update(MarkingTask)
            .where(MarkingTask.id == task.id, MarkingTask.status == "open")
            .values(holder_id=reviewer.id, claimed_at=now, expires_at=None, assigned_by_id=lead.id)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
    except IntegrityError:  # they took the other mark of this answer a moment ago
        db.session.rollback()
        raise ServiceError(
            f"{reviewer.name}刚领取了这道题的另一评，双评须由不同的人评阅。", field="reviewer"
        ) from None
    db.session.refresh(task)
    if done.rowcount != 1:
        raise ServiceError("这项评阅已经完成，不能再分配。", status=409)
