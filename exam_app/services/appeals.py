"""Appeals (申诉) of an exam item: filed within the paper's working days, re-reviewed by
someone else. (A service-quality record's appeal shares the Appeal rows, the working-day
rules and the reason check here: services/quality/record_appeals.py.)

The decision is a ScoreEvent (source "appeal") like every other score change; the attempt's
total and the staff file follow (retotal).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from exam_app.extensions import db
from exam_app.grading import RubricError, rubric_total
from exam_app.models import Appeal, Attempt, AttemptItem, Review, Role, User
from exam_app.models.appeals import APPEAL_OUTCOME_LABELS
from exam_app.services.errors import NotAllowed, ServiceError, passes
from exam_app.services.retotal import retotal
from exam_app.services.reviews import criteria_of
from exam_app.services.scores import set_score
from exam_app.working_days import (
    add_working_days,
    parse_dates,
    unknown_years,
    working_days_between,
)

if TYPE_CHECKING:  # the result page's heading (read without the ORM) answers as an Attempt
    from exam_app.services.result_head import ResultHead

MAX_REASON = 1000


def calendar_lists() -> tuple[frozenset[date], frozenset[date]]:
    config = current_app.config
    return (
        parse_dates(config.get("HOLIDAYS") or (), "HOLIDAYS"),
        parse_dates(config.get("WORKING_WEEKENDS") or (), "WORKING_WEEKENDS"),
    )


def local_date(moment: datetime) -> date:
    """The centre's calendar day of a stored (naive UTC) time: deadlines are local days."""
    zone = ZoneInfo(current_app.config.get("DISPLAY_TIMEZONE", "Asia/Shanghai"))
    return moment.replace(tzinfo=UTC).astimezone(zone).date()


def appeal_deadline(attempt: Attempt | ResultHead) -> date | None:
    """The last day an appeal is accepted: `appeal_days` working days after release."""
    if attempt.status != "released" or attempt.released_at is None:
        return None
    if attempt.paper.kind == "practice":
        return None
    return add_working_days(
        local_date(attempt.released_at), attempt.paper.appeal_days, *calendar_lists()
    )


def calendar_notice(attempt: Attempt | ResultHead, deadline: date | None) -> str:
    """A line for the result page when the official calendar does not cover the period yet,
    so its holidays may move the deadline (working_days.py: Monday to Friday is assumed)."""
    if deadline is None or attempt.released_at is None:
        return ""
    years = unknown_years(local_date(attempt.released_at), deadline)
    if not years:
        return ""
    named = "、".join(f"{y} 年" for y in years)
    return (
        f"{named}的法定节假日安排尚未收录，期限暂按周一至周五计算，如遇节假日以培训负责人通知为准。"
    )


def within_period(deadline: date | None, now: datetime) -> bool:
    return deadline is not None and local_date(now) <= deadline


def age_in_working_days(appeal: Appeal, now: datetime) -> int:
    return working_days_between(local_date(appeal.filed_at), local_date(now), *calendar_lists())


def written_reason(text: str, field: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ServiceError(f"请填写{what}。", field=field)
    if len(text) > MAX_REASON:
        raise ServiceError(f"{what}最多 {MAX_REASON} 字。", field=field)
    return text


def open_appeal(item: AttemptItem) -> Appeal | None:
    return db.session.scalar(
        select(Appeal).where(Appeal.attempt_item_id == item.id, Appeal.status == "open")
    )


def file_appeal(item: AttemptItem, user: User, reason: str, now: datetime) -> Appeal:
    attempt = item.attempt
    if attempt.user_id != user.id:
        raise NotAllowed("只能对自己的答卷提出申诉。")
    deadline = appeal_deadline(attempt)
    if deadline is None:
        raise ServiceError("成绩公布后才能对考试成绩提出申诉。")
    if not item.counted or item.score is None:
        raise ServiceError(f"第 {item.position} 题未计分，不能申诉。")
    if local_date(now) > deadline:
        raise ServiceError(f"申诉期限已于 {deadline.isoformat()} 结束。")
    reason = written_reason(reason, "reason", "申诉理由")
    if open_appeal(item) is not None:
        raise ServiceError(f"第 {item.position} 题已有处理中的申诉，请等待复核结果。", status=409)
    appeal = Appeal(
        attempt_item_id=item.id,
        user_id=user.id,
        reason=reason,
        filed_at=now,
        deadline=deadline,
        old_score=item.score,
    )
    db.session.add(appeal)
    try:
        db.session.commit()
    except IntegrityError:  # filed twice at once: the partial unique index kept one
        db.session.rollback()
        raise ServiceError(
            f"第 {item.position} 题已有处理中的申诉，请等待复核结果。", status=409
        ) from None
    return appeal


def _excluded(appeal: Appeal) -> set[int]:
    """Who may not re-review: the candidate, everyone who marked the item, earlier deciders."""
    item = appeal.item
    markers = db.session.scalars(
        select(Review.reviewer_id).where(Review.attempt_item_id == item.id)
    ).all()
    deciders = db.session.scalars(
        select(Appeal.decided_by_id).where(
            Appeal.attempt_item_id == item.id, Appeal.decided_by_id.is_not(None)
        )
    ).all()
    return {item.attempt.user_id, *markers, *deciders}


def check_can_decide(appeal: Appeal, user: User, *, assigning: bool = False) -> None:
    if not user.has_role(Role.REVIEWER, Role.LEAD):
        raise NotAllowed("只有阅卷人或培训负责人可以复核申诉。")
    if appeal.item.attempt.user_id == user.id:
        raise NotAllowed("不能复核自己的申诉。")
    if user.id in _excluded(appeal):
        raise NotAllowed("您评阅过这道题，申诉须由其他阅卷人或培训负责人复核。")
    taken = appeal.assignee_id is not None and appeal.assignee_id != user.id
    if not assigning and taken and not user.has_role(Role.LEAD):
        raise NotAllowed("这条申诉已分配给其他复核人。")


def may_decide(appeal: Appeal, user: User) -> bool:
    return passes(check_can_decide, appeal, user)


def may_decide_if_assigned(appeal: Appeal, user: User) -> bool:
    """Whom the lead may assign it to: anyone eligible, whoever holds it now."""
    return passes(check_can_decide, appeal, user, assigning=True)


def _new_score(item: AttemptItem, criteria: dict[str, str], raw: str) -> Decimal:
    if item.kind == "essay":
        try:
            return rubric_total(criteria_of(item), criteria)
        except RubricError as e:
            raise ServiceError(str(e), field="criteria") from None
    try:
        score = Decimal((raw or "").strip())
    except InvalidOperation:
        raise ServiceError("「新得分」应为数字。", field="new_score") from None
    if not score.is_finite() or not Decimal(0) <= score <= item.points:
        raise ServiceError(f"「新得分」应在 0 到 {item.points:f} 之间。", field="new_score")
    if score != score.quantize(Decimal("0.01")):
        raise ServiceError("「新得分」最多两位小数。", field="new_score")
    return score


def decide(
    appeal: Appeal,
    user: User,
    outcome: str,
    reason: str,
    now: datetime,
    *,
    criteria: dict[str, str] | None = None,
    new_score: str = "",
) -> Appeal:
    """Uphold or change the item's score, always with a written reason."""
    if appeal.status != "open":
        raise ServiceError("这条申诉已有复核结果。", status=409)
    check_can_decide(appeal, user)
    if outcome not in APPEAL_OUTCOME_LABELS:
        raise ServiceError("请选择复核结果：维持原分或改分。", field="outcome")
    reason = written_reason(reason, "decision_reason", "复核理由")
    item = appeal.item
    score = item.score if outcome == "upheld" else _new_score(item, criteria or {}, new_score)
    if outcome == "changed" and score == item.score:
        raise ServiceError("新得分与原得分相同；不改分请选择「维持原分」。", field="new_score")
    stored = None
    if outcome == "changed" and item.kind == "essay":
        stored = {k: str(v).strip() for k, v in (criteria or {}).items()}
    # Conditional: of two people deciding at once, one wins and the other changes nothing.
    won = db.session.execute(
        update(Appeal)
        .where(Appeal.id == appeal.id, Appeal.status == "open")
        .values(
            status="decided",
            outcome=outcome,
            new_score=score,
            criteria=stored,
            decision_reason=reason,
            decided_by_id=user.id,
            decided_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    if won.rowcount != 1:
        db.session.rollback()
        raise ServiceError("这条申诉刚由其他人复核完毕。", status=409)
    label = APPEAL_OUTCOME_LABELS[outcome]
    set_score(item, score, source="appeal", actor=user, reason=f"申诉{label}：{reason}", at=now)
    retotal(item.attempt)
    db.session.commit()
    db.session.refresh(appeal)
    return appeal


def assign(appeal: Appeal, lead: User, assignee: User) -> None:
    if not lead.has_role(Role.LEAD):
        raise NotAllowed("只有培训负责人可以分配申诉。")
    if appeal.status != "open":
        raise ServiceError("这条申诉已有复核结果。", status=409)
    try:
        check_can_decide(appeal, assignee, assigning=True)
    except NotAllowed as e:
        raise ServiceError(f"不能分配给 {assignee.name}：{e.message}", field="assignee") from None
    appeal.assignee_id, appeal.assigned_by_id = assignee.id, lead.id
    db.session.commit()


@dataclass(frozen=True)
class OpenAppeal:
    appeal: Appeal
    age: int  # working days since it was filed


def open_appeals(now: datetime) -> list[OpenAppeal]:
    """Every open appeal, oldest first, with its age in working days (the lead's list)."""
    appeals = db.session.scalars(
        select(Appeal)
        .where(Appeal.status == "open", Appeal.attempt_item_id.is_not(None))
        .order_by(Appeal.filed_at, Appeal.id)
    ).all()
    return [OpenAppeal(a, age_in_working_days(a, now)) for a in appeals]


def reviewable_by(user: User, now: datetime) -> list[OpenAppeal]:
    return [row for row in open_appeals(now) if may_decide(row.appeal, user)]


def appeals_by_item(attempt: Attempt) -> dict[int, list[Appeal]]:
    """Per item of the attempt, its appeals in the order filed (the result page)."""
    rows = db.session.scalars(  # by the attempt's id: its items need not be loaded
        select(Appeal)
        .join(AttemptItem, AttemptItem.id == Appeal.attempt_item_id)
        .where(AttemptItem.attempt_id == attempt.id)
        .order_by(Appeal.id)
    ).all()
    grouped: dict[int, list[Appeal]] = {}
    for appeal in rows:
        grouped.setdefault(appeal.attempt_item_id, []).append(appeal)
    return grouped


def appeals_of(user: User) -> list[Appeal]:
    return list(
        db.session.scalars(
            select(Appeal)
            .where(Appeal.user_id == user.id, Appeal.attempt_item_id.is_not(None))
            .order_by(Appeal.filed_at.desc())
        )
    )
