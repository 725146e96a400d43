"""Appeals of a service-quality record: the same Appeal rows, working-day deadline and
"decided by someone else" as an exam item's appeal (services/appeals.py), with the
record's own outcomes: kept, changed to other points, or voided.

"Appeals go one level up" (考核办法 §4.3): a record is decided by a lead, or by the
recorder's own direct superior; never by the recorder or the person it is about.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from exam_app.extensions import db
from exam_app.models import Appeal, QualityRecord, Role, User
from exam_app.models.appeals import RECORD_OUTCOME_LABELS
from exam_app.services.appeals import (
    age_in_working_days,
    calendar_lists,
    local_date,
    written_reason,
)
from exam_app.services.errors import NotAllowed, ServiceError, passes
from exam_app.services.quality.audit import note
from exam_app.working_days import add_working_days

DEFAULT_APPEAL_DAYS = 5


def appeal_days() -> int:
    return int(current_app.config.get("QUALITY_APPEAL_DAYS", DEFAULT_APPEAL_DAYS))


def record_deadline(record: QualityRecord) -> date:
    """The last day the person may appeal: QUALITY_APPEAL_DAYS working days after the day
    the record was made (when the person could first see it)."""
    return add_working_days(local_date(record.recorded_at), appeal_days(), *calendar_lists())


def open_record_appeal(record: QualityRecord) -> Appeal | None:
    return db.session.scalar(
        select(Appeal).where(Appeal.quality_record_id == record.id, Appeal.status == "open")
    )


def file_record_appeal(record: QualityRecord, user: User, reason: str, now: datetime) -> Appeal:
    if record.user_id != user.id:
        raise NotAllowed("只能对自己的记录提出申诉。")
    if record.status != "active":
        raise ServiceError("这条记录已撤销，无需申诉。", status=409)
    deadline = record_deadline(record)
    if local_date(now) > deadline:
        raise ServiceError(f"申诉期限已于 {deadline.isoformat()} 结束。")
    reason = written_reason(reason, "reason", "申诉理由")
    if open_record_appeal(record) is not None:
        raise ServiceError("这条记录已有处理中的申诉，请等待处理结果。", status=409)
    appeal = Appeal(
        quality_record_id=record.id, user_id=user.id, reason=reason, filed_at=now,
        deadline=deadline, old_score=record.points,
    )  # fmt: skip
    db.session.add(appeal)
    try:
        db.session.flush()
    except IntegrityError:  # filed twice at once: the partial unique index kept one
        db.session.rollback()
        raise ServiceError("这条记录已有处理中的申诉，请等待处理结果。", status=409) from None
    note("record_appealed", f"record:{record.id}", user, now, whom=user.id, appeal=appeal.id)
    db.session.commit()
    return appeal


def check_can_decide(appeal: Appeal, user: User) -> None:
    record = appeal.record
    if user.id == record.user_id:
        raise NotAllowed("不能处理对自己的记录的申诉。")
    if user.id == record.recorded_by_id:
        raise NotAllowed("这条记录是您签发的，申诉须由上一级处理。")
    superior = record.recorded_by.supervisor_id == user.id
    if not (user.has_role(Role.LEAD) or (superior and user.has_role(Role.SUPERVISOR))):
        raise NotAllowed("申诉由培训负责人或签发人的直属上司处理。")


def may_decide(appeal: Appeal, user: User) -> bool:
    return passes(check_can_decide, appeal, user)


def _new_points(record: QualityRecord, raw: str) -> int:
    try:
        points = int((raw or "").strip())
    except ValueError:
        raise ServiceError("「改为分值」应为整数，如 -1。", field="new_points") from None
    same_sign = (points < 0) == (record.points < 0)
    if points == 0 or not same_sign or abs(points) > 100:
        raise ServiceError(
            "「改为分值」应与原记录同为扣分或同为加分、不为 0；要取消整条记录请选「撤销记录」。",
            field="new_points",
        )
    if points == record.points:
        raise ServiceError("分值与原记录相同；不改请选「维持原记录」。", field="new_points")
    return points


def decide_record_appeal(
    appeal: Appeal, user: User, outcome: str, reason: str, now: datetime, *, new_points: str = ""
) -> Appeal:
    """Keep, change or void the record, always with a written reason. The record itself
    changes; a confirmed month's snapshot does not (the next summary shows the difference)."""
    if appeal.status != "open":
        raise ServiceError("这条申诉已有处理结果。", status=409)
    check_can_decide(appeal, user)
    if outcome not in RECORD_OUTCOME_LABELS:
        raise ServiceError("请选择处理结果：维持原记录、改分或撤销记录。", field="outcome")
    reason = written_reason(reason, "decision_reason", "处理理由")
    record = appeal.record
    points = record.points
    if outcome == "changed":
        points = _new_points(record, new_points)
    won = db.session.execute(
        update(Appeal)
        .where(Appeal.id == appeal.id, Appeal.status == "open")
        .values(status="decided", outcome=outcome, decision_reason=reason,
                new_score=0 if outcome == "voided" else points,
                decided_by_id=user.id, decided_at=now)
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    if won.rowcount != 1:
        db.session.rollback()
        raise ServiceError("这条申诉刚由其他人处理完毕。", status=409)
    if outcome == "voided":
        record.status = "voided"
    elif outcome == "changed":
        record.points = points
    note("record_appeal_decided", f"record:{record.id}", user, now, whom=record.user_id,
         appeal=appeal.id, outcome=outcome, old_points=appeal.old_score and int(appeal.old_score),
         new_points=0 if outcome == "voided" else points, reason=reason)  # fmt: skip
    db.session.commit()
    db.session.refresh(appeal)
    return appeal


@dataclass(frozen=True)
class OpenRecordAppeal:
    appeal: Appeal
    age: int  # working days since it was filed


def decidable_by(user: User, now: datetime) -> list[OpenRecordAppeal]:
    """Open record appeals this user may decide, oldest first."""
    rows = db.session.scalars(
        select(Appeal)
        .where(Appeal.quality_record_id.is_not(None), Appeal.status == "open")
        .options(joinedload(Appeal.record).joinedload(QualityRecord.recorded_by))
        .order_by(Appeal.filed_at, Appeal.id)
    ).all()
    return [OpenRecordAppeal(a, age_in_working_days(a, now)) for a in rows if may_decide(a, user)]


def appeals_by_record(person: User) -> dict[int, list[Appeal]]:
    rows = db.session.scalars(
        select(Appeal)
        .where(Appeal.user_id == person.id, Appeal.quality_record_id.is_not(None))
        .order_by(Appeal.id)
    ).all()
    grouped: dict[int, list[Appeal]] = {}
    for appeal in rows:
        grouped.setdefault(appeal.quality_record_id or 0, []).append(appeal)
    return grouped
