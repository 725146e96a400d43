"""Marking essay and case answers against their rubric, blind, once or twice.

Single marking: the review is the score. Double marking: two independent reviews; reconcile()
decides, asks for a third reviewer, or for the lead's arbitration (grading-rules.md). Every
review is kept; each decision writes a ScoreEvent saying why.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from exam_app.extensions import db
from exam_app.grading import (
    Criterion,
    GradingError,
    RubricError,
    criteria_from_rubric,
    reconcile,
    rubric_total,
)
from exam_app.grading.decimals import format_decimal
from exam_app.grading.marking_decisions import decision_reason
from exam_app.grading.rubric import levels_chosen
from exam_app.models import AttemptItem, MarkingTask, Review, Role, User
from exam_app.models.base import utcnow
from exam_app.models.marking import ARBITRATION, ARBITRATION_SLOT, MARK, THIRD_SLOT
from exam_app.services.errors import NotAllowed, ServiceError
from exam_app.services.marking import free_clause
from exam_app.services.results import finalise_if_graded
from exam_app.services.scores import set_score

MAX_COMMENT = 2000


def criteria_of(item: AttemptItem) -> list[Criterion]:
    """The frozen rubric of the answer's item, levels included."""
    return criteria_from_rubric(item.snapshot.get("rubric", []))


def check_can_review(item: AttemptItem, reviewer: User) -> None:
    if not reviewer.has_role(Role.REVIEWER):
        raise NotAllowed("只有阅卷人可以评分。")
    if item.attempt.user_id == reviewer.id:
        raise NotAllowed("不能评阅自己的答卷。")
    if item.kind != "essay":
        raise ServiceError("客观题由系统自动评分，无需人工评阅。")


def _checked(item: AttemptItem, given: dict[str, str], comment: str) -> Decimal:
    try:
        total = rubric_total(criteria_of(item), given)
    except RubricError as e:
        raise ServiceError(str(e)) from None
    if total > item.points:  # criteria that add up to more than the item carries
        raise ServiceError(
            f"合计 {format_decimal(total)} 分超过本题满分 {format_decimal(item.points)} 分。"
        )
    if len(comment) > MAX_COMMENT:
        raise ServiceError(f"评语最多 {MAX_COMMENT} 字。", field="comment")
    return total


def _stored(given: dict[str, str]) -> dict[str, str]:
    return {k: str(Decimal(str(v).strip())) for k, v in given.items()}


def _lock(item: AttemptItem) -> None:
    """Serialise decisions on one answer: PostgreSQL locks the row; SQLite has one writer."""
    db.session.execute(select(AttemptItem.id).where(AttemptItem.id == item.id).with_for_update())


def _complete(item: AttemptItem, reviewer: User, now: datetime) -> MarkingTask:
    """Close the reviewer's mark on this answer: the one they hold, else a free one."""
    tasks = db.session.scalars(
        select(MarkingTask)
        .where(MarkingTask.attempt_item_id == item.id, MarkingTask.kind == MARK)
        .order_by(MarkingTask.slot)
        .execution_options(populate_existing=True)
    ).all()
    mine = [t for t in tasks if t.holder_id == reviewer.id]
    if any(t.status == "done" for t in mine):
        raise ServiceError("您已评阅过这道题。", status=409)
    free = [t for t in tasks if t.status == "open" and not t.held_by_someone_else(reviewer.id, now)]
    for task in mine or free:
        # Conditional: if someone took the claim over meanwhile, this changes nothing.
        try:
            done = db.session.execute(
                update(MarkingTask)
                .where(
                    MarkingTask.id == task.id,
                    MarkingTask.status == "open",
                    or_(MarkingTask.holder_id == reviewer.id, free_clause(now)),
                )
                .values(status="done", holder_id=reviewer.id, done_at=now, expires_at=None)
                .execution_options(synchronize_session=False)
            )
        except IntegrityError:  # they claimed the other mark of this answer meanwhile
            raise ServiceError(
                "您已领取这道题的另一评，请在该领取下提交评分。", status=409
            ) from None
        if done.rowcount == 1:
            return task
    if any(t.status == "open" for t in tasks):
        raise ServiceError(
            "这道题已由其他阅卷人领取（您的领取可能已过期），请评阅其他题目。", status=409
        )
    raise ServiceError("这道题已评阅完毕。", status=409)


def _new_review(
    item: AttemptItem,
    marker: User,
    task: MarkingTask,
    given: dict[str, str],
    total: Decimal,
    comment: str,
) -> Review:
    """A mark as given; whether it counts is decided once all marks are in."""
    review = Review(
        attempt_item_id=item.id,
        reviewer_id=marker.id,
        task_id=task.id,
        criteria=_stored(given),
        total=total,
        comment=comment.strip(),
        counted=False,
    )
    db.session.add(review)
    return review


def record_review(
    item: AttemptItem,
    reviewer: User,
    given: dict[str, str],
    comment: str = "",
    now: datetime | None = None,
) -> Review:
    """A reviewer's marks for one answer; decides the score when it is the last mark needed."""
    now = now or utcnow()
    check_can_review(item, reviewer)
    total = _checked(item, given, comment)
    _lock(item)
    try:
        task = _complete(item, reviewer, now)
        review = _new_review(item, reviewer, task, given, total, comment)
        db.session.flush()
        _decide(item, reviewer)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    finalise_if_graded(item.attempt, now)
    return review


def marks_of(item: AttemptItem) -> list[tuple[Review, MarkingTask]]:
    """The reviews given on this answer with their tasks, in slot order."""
    return list(
        db.session.execute(
            select(Review, MarkingTask)
            .join(MarkingTask, Review.task_id == MarkingTask.id)
            .where(Review.attempt_item_id == item.id)
            .order_by(MarkingTask.slot)
            .execution_options(populate_existing=True)
        ).all()
    )


def _decide(item: AttemptItem, reviewer: User) -> None:
    """After a mark: settle the score, or open the third mark or the arbitration."""
    tasks = db.session.scalars(
        select(MarkingTask)
        .where(MarkingTask.attempt_item_id == item.id)
        .execution_options(populate_existing=True)
    ).all()
    if any(t.status == "open" for t in tasks):
        return  # the other marker has not finished
    marked = [(r, t) for r, t in marks_of(item) if t.kind == MARK]
    if len(marked) == 1:
        review = marked[0][0]
        levels = levels_chosen(criteria_of(item), review.criteria)
        reason = f"按评分标准评阅（{levels}）" if levels else "按评分标准评阅"
        _settle(item, [review], review.total, "review", reviewer, reason)
        return
    paper = item.attempt.paper
    marks = [r.total for r, _ in marked]
    try:
        result = reconcile(marks, paper.marking_tolerance, paper.marking_rule)
    except GradingError as e:
        raise ServiceError(str(e)) from None
    if result.needs == "third":
        db.session.add(MarkingTask(attempt_item_id=item.id, slot=THIRD_SLOT))
    elif result.needs == "arbitration":
        db.session.add(
            MarkingTask(attempt_item_id=item.id, slot=ARBITRATION_SLOT, kind=ARBITRATION)
        )
    else:
        reason = decision_reason(marks, paper.marking_tolerance, paper.marking_rule, result)
        counted = [marked[i][0] for i in result.basis]
        # The system decides from the reviewers' marks; who gave which is on each Review.
        _settle(item, counted, result.final, "reconcile", None, reason)


def _settle(
    item: AttemptItem,
    counted: list[Review],
    score: Decimal,
    source: str,
    actor: User | None,
    reason: str,
) -> None:
    for review in counted:
        review.counted = True
    item.needs_review = False
    set_score(item, score, source=source, actor=actor, reason=reason)


def waiting_arbitration(item: AttemptItem) -> MarkingTask | None:
    return db.session.scalar(
        select(MarkingTask)
        .where(
            MarkingTask.attempt_item_id == item.id,
            MarkingTask.kind == ARBITRATION,
            MarkingTask.status == "open",
        )
        .execution_options(populate_existing=True)
    )


def arbitrate(
    item: AttemptItem,
    lead: User,
    given: dict[str, str],
    comment: str,
    reason: str,
    now: datetime | None = None,
) -> Review:
    """The lead's mark on an answer whose markers stayed apart: it is final (仲裁)."""
    now = now or utcnow()
    if not lead.has_role(Role.LEAD):
        raise NotAllowed("只有培训负责人可以仲裁。")
    if item.attempt.user_id == lead.id:
        raise NotAllowed("不能仲裁自己的答卷。")
    total = _checked(item, given, comment)
    reason = reason.strip()
    if not reason:
        raise ServiceError("请填写仲裁理由。", field="reason")
    if len(reason) > 500:
        raise ServiceError("仲裁理由最多 500 字。", field="reason")
    _lock(item)
    try:
        review = _arbitrate(item, lead, given, comment, total, f"仲裁：{reason}", now)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    finalise_if_graded(item.attempt, now)
    return review


def _arbitrate(
    item: AttemptItem,
    lead: User,
    given: dict[str, str],
    comment: str,
    total: Decimal,
    reason: str,
    now: datetime,
) -> Review:
    task = waiting_arbitration(item)
    if task is None:
        raise ServiceError("这道题不需要仲裁，或已仲裁完毕。", status=409)
    earlier = [r for r, _ in marks_of(item)]
    if any(r.reviewer_id == lead.id for r in earlier):
        raise ServiceError("您已评阅过这道题，不能再仲裁；请由其他培训负责人仲裁。", status=409)
    done = db.session.execute(
        update(MarkingTask)
        .where(MarkingTask.id == task.id, MarkingTask.status == "open")
        .values(status="done", holder_id=lead.id, done_at=now)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        raise ServiceError("这道题刚由其他培训负责人仲裁完毕。", status=409)
    review = _new_review(item, lead, task, given, total, comment)
    for mark in earlier:
        mark.counted = False  # the lead's mark alone is final
    _settle(item, [review], total, "reconcile", lead, reason)
    return review
