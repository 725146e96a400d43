"""Reviewing essay and case answers against their rubric, blind."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select, update

from exam_app.extensions import db
from exam_app.grading import Criterion, RubricError, rubric_total
from exam_app.models import Attempt, AttemptItem, Review, Role, User
from exam_app.services.errors import NotAllowed, ServiceError
from exam_app.services.results import finalise_if_graded
from exam_app.services.scores import set_score


def waiting_items(reviewer: User):
    """Answers waiting for a mark, oldest submission first; never the reviewer's own."""
    return (
        select(AttemptItem)
        .join(Attempt, AttemptItem.attempt_id == Attempt.id)
        .where(
            AttemptItem.needs_review.is_(True),
            Attempt.status == "submitted",
            Attempt.user_id != reviewer.id,
        )
        .order_by(Attempt.submitted_at, Attempt.id, AttemptItem.position)
    )


def queue(reviewer: User) -> list[AttemptItem]:
    return list(db.session.scalars(waiting_items(reviewer)))


def criteria_of(item: AttemptItem) -> list[Criterion]:
    return [
        Criterion(
            id=c["id"], title=c["title"], points=Decimal(c["points"]), step=Decimal(c["step"])
        )
        for c in item.snapshot.get("rubric", [])
    ]


def check_can_review(item: AttemptItem, reviewer: User) -> None:
    if not reviewer.has_role(Role.REVIEWER):
        raise NotAllowed("只有阅卷人可以评分。")
    if item.attempt.user_id == reviewer.id:
        raise NotAllowed("不能评阅自己的答卷。")
    if item.kind != "essay":
        raise ServiceError("客观题由系统自动评分，无需人工评阅。")


def record_review(
    item: AttemptItem, reviewer: User, given: dict[str, str], comment: str = ""
) -> Review:
    check_can_review(item, reviewer)
    try:
        total = rubric_total(criteria_of(item), given)
    except RubricError as e:
        raise ServiceError(str(e)) from None
    if len(comment) > 2000:
        raise ServiceError("评语最多 2000 字。", field="comment")
    # Whoever closes the item first wins; a second reviewer racing for it is told so.
    claimed = db.session.execute(
        update(AttemptItem)
        .where(AttemptItem.id == item.id, AttemptItem.needs_review.is_(True))
        .values(needs_review=False)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        raise ServiceError("这道题已由其他阅卷人评完。", status=409)
    review = Review(
        attempt_item_id=item.id,
        reviewer_id=reviewer.id,
        criteria={k: str(Decimal(str(v))) for k, v in given.items()},
        total=total,
        comment=comment.strip(),
    )
    db.session.add(review)
    db.session.refresh(item)
    set_score(item, total, source="review", actor=reviewer, reason="按评分标准评阅")
    db.session.commit()
    finalise_if_graded(item.attempt)
    return review
