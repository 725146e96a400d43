"""Recording a fault (过失通知单) or a bonus (加分记录): who may record for whom, the checks,
and the month the record counts in."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from exam_app.extensions import db
from exam_app.models import QualityMonth, QualityRecord, QualityStandard, Role, User, UserRole
from exam_app.quality.calendar import month_of, next_month
from exam_app.services.appeals import local_date
from exam_app.services.errors import NotAllowed, ServiceError
from exam_app.services.quality.audit import note

MAX_OBSERVED = 2000
OLDEST_DAYS = 366  # a record older than a year is a typing mistake, not a late notice


def recordable_people(recorder: User) -> list[User]:
    """Whom `recorder` may record for: a lead, any active staff member; a supervisor (主管),
    their direct reports and the staff of their own department. Never themself."""
    query = (
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == str(Role.STAFF), User.is_active_account.is_(True),
               User.id != recorder.id)
        .order_by(User.staff_no)
    )  # fmt: skip
    if not recorder.has_role(Role.LEAD):
        mine = [User.supervisor_id == recorder.id]
        if recorder.department_id is not None:
            mine.append(User.department_id == recorder.department_id)
        query = query.where(or_(*mine))
    return list(db.session.scalars(query.options(joinedload(User.department))).unique())


def counted_month(day: date) -> str:
    """The occurrence's month, or the first month after it not yet confirmed: a confirmed
    summary is never changed by a record that arrives late."""
    confirmed = set(db.session.scalars(select(QualityMonth.month)))
    month = month_of(day)
    while month in confirmed:
        month = next_month(month)
    return month


def _person(recorder: User, person_id: str | int | None) -> User:
    try:
        wanted = int(str(person_id or "").strip())
    except ValueError:
        wanted = 0
    person = next((p for p in recordable_people(recorder) if p.id == wanted), None)
    if person is None:
        raise ServiceError("请从名单中选择被考核人。", field="person")
    return person


def _standard(code: str) -> QualityStandard:
    code = (code or "").strip()
    standard = db.session.scalar(select(QualityStandard).where(QualityStandard.code == code))
    if standard is None:
        raise ServiceError("请从列表中选择考核标准。", field="standard")
    if standard.retired:
        raise ServiceError(f"考核标准 {standard.code} 已停用，不能用于新的记录。", field="standard")
    return standard


def _day(raw: str | date | None, now: datetime) -> date:
    if isinstance(raw, date):
        day = raw
    else:
        try:
            day = date.fromisoformat((raw or "").strip())
        except ValueError:
            raise ServiceError("「发生日期」应形如 2026-11-05。", field="occurred_on") from None
    today = local_date(now)
    if day > today:
        raise ServiceError("「发生日期」不能晚于今天。", field="occurred_on")
    if (today - day).days > OLDEST_DAYS:
        raise ServiceError("「发生日期」不能早于一年前。", field="occurred_on")
    return day


def record_occurrence(
    recorder: User,
    *,
    person_id: str | int | None,
    occurred_on: str | date | None,
    standard_code: str,
    observed: str,
    supervisor_liable: bool,
    now: datetime,
) -> QualityRecord:
    """One record, the standard's points frozen on it; the person sees it at once."""
    if not recorder.has_role(Role.LEAD, Role.SUPERVISOR):
        raise NotAllowed("只有主管或培训负责人可以记录服务质量。")
    person = _person(recorder, person_id)
    day = _day(occurred_on, now)
    standard = _standard(standard_code)
    observed = (observed or "").strip()
    if not observed:
        raise ServiceError("请填写「情况说明」：看到了什么、在哪里、何时。", field="observed")
    if len(observed) > MAX_OBSERVED:
        raise ServiceError(f"「情况说明」最多 {MAX_OBSERVED} 字。", field="observed")
    if supervisor_liable and person.supervisor_id is None:
        raise ServiceError(
            f"{person.name} 还没有登记直属上司，不能认定上司连带责任；请先请管理员登记。",
            field="supervisor_liable",
        )
    record = QualityRecord(
        user_id=person.id, occurred_on=day, month=counted_month(day), standard_id=standard.id,
        standard_code=standard.code, standard_title=standard.title, points=standard.points,
        observed=observed, supervisor_id=person.supervisor_id,
        supervisor_liable=bool(supervisor_liable and standard.points < 0),
        recorded_by_id=recorder.id, recorded_at=now,
    )  # fmt: skip
    db.session.add(record)
    db.session.flush()
    note("record_made", f"record:{record.id}", recorder, now, whom=person.id,
         standard=standard.code, points=standard.points, month=record.month,
         occurred_on=day.isoformat(), supervisor_liable=record.supervisor_liable)  # fmt: skip
    db.session.commit()
    return record


def visible_records(viewer: User, *, month: str | None = None) -> list[QualityRecord]:
    """The desk's list: a lead sees every record, a supervisor those they made and those of
    the people they may record for."""
    query = select(QualityRecord).options(
        joinedload(QualityRecord.person).joinedload(User.department),
        joinedload(QualityRecord.recorded_by),
    )
    if month:
        query = query.where(QualityRecord.month == month)
    if not viewer.has_role(Role.LEAD):
        ids = [p.id for p in recordable_people(viewer)]
        query = query.where(
            or_(QualityRecord.recorded_by_id == viewer.id, QualityRecord.user_id.in_(ids))
        )
    query = query.order_by(QualityRecord.occurred_on.desc(), QualityRecord.id.desc())
    return list(db.session.scalars(query).unique())


def may_see(viewer: User, record: QualityRecord) -> bool:
    if viewer.has_role(Role.LEAD) or record.recorded_by_id == viewer.id:
        return True
    return any(p.id == record.user_id for p in recordable_people(viewer))


def records_of(person: User) -> list[QualityRecord]:
    """The person's own records, newest first (their staff file)."""
    return list(
        db.session.scalars(
            select(QualityRecord)
            .where(QualityRecord.user_id == person.id)
            .options(joinedload(QualityRecord.recorded_by))
            .order_by(QualityRecord.occurred_on.desc(), QualityRecord.id.desc())
        )
    )
