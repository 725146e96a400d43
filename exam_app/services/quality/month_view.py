"""One month's summary as the page, the Excel file and the snapshot show it: names,
departments, the public list, supervisors' shares and adjustments. A confirmed month is
read from its snapshot, never computed again."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from exam_app.extensions import db
from exam_app.models import QualityMonth, Role, User
from exam_app.quality import QualityRules, rules_from_mapping, rules_to_mapping
from exam_app.quality.calendar import month_label
from exam_app.services.errors import NotAllowed, ServiceError
from exam_app.services.quality.audit import note
from exam_app.services.quality.months import (
    adjustments_before,
    confirmed,
    current_rules,
    live_summary,
    owed,
)

ZERO = Decimal("0.00")
MONEY = {"point_fine", "extra_fine", "total_fine", "fine", "before", "after", "difference"}


@dataclass(frozen=True)
class PersonRow:
    person_id: int
    name: str
    staff_no: str
    department: str
    deducted: int
    added: int
    net: int
    point_fine: Decimal
    extra_fine: Decimal
    total_fine: Decimal
    step: str
    posted: bool
    post_reasons: list[str]
    records: int
    supervisor_missing: list[int]


@dataclass(frozen=True)
class ShareRow:
    supervisor_id: int
    name: str
    staff_no: str
    department: str
    person_name: str
    record_ids: list[int]
    fine: Decimal
    reason: str


@dataclass(frozen=True)
class AdjustmentRow:
    month: str
    user_id: int
    name: str
    staff_no: str
    before: Decimal
    after: Decimal
    difference: Decimal
    why: str


@dataclass(frozen=True)
class RecordRow:
    id: int
    occurred_on: str
    staff_no: str
    name: str
    department: str
    code: str
    title: str
    points: int
    observed: str
    recorded_by: str
    supervisor_liable: bool


@dataclass(frozen=True)
class DepartmentRow:
    name: str
    people: int
    deducted: int
    added: int
    fines: Decimal
    posted: int


@dataclass
class MonthView:
    month: str
    rules: QualityRules
    people: list[PersonRow] = field(default_factory=list)
    supervisors: list[ShareRow] = field(default_factory=list)
    adjustments: list[AdjustmentRow] = field(default_factory=list)
    records: list[RecordRow] = field(default_factory=list)
    confirmed: QualityMonth | None = None

    @property
    def label(self) -> str:
        return month_label(self.month)

    @property
    def posted(self) -> list[PersonRow]:
        return [p for p in self.people if p.posted]

    @property
    def total_fines(self) -> Decimal:
        return sum((p.total_fine for p in self.people), ZERO) + sum(
            (s.fine for s in self.supervisors), ZERO
        )

    @property
    def adjustments_total(self) -> Decimal:
        return sum((a.difference for a in self.adjustments), ZERO)

    @property
    def departments(self) -> list[DepartmentRow]:
        rows: dict[str, list[PersonRow]] = {}
        for person in self.people:
            rows.setdefault(person.department or "（未分部门）", []).append(person)
        shares: dict[str, Decimal] = {}
        for share in self.supervisors:
            key = share.department or "（未分部门）"
            shares[key] = shares.get(key, ZERO) + share.fine
        names = sorted(set(rows) | set(shares))
        return [
            DepartmentRow(
                name=name,
                people=len(rows.get(name, [])),
                deducted=sum(p.deducted for p in rows.get(name, [])),
                added=sum(p.added for p in rows.get(name, [])),
                fines=sum((p.total_fine for p in rows.get(name, [])), ZERO)
                + shares.get(name, ZERO),
                posted=sum(1 for p in rows.get(name, []) if p.posted),
            )
            for name in names
        ]

    def to_snapshot(self, owed_now: dict[int, Decimal]) -> dict[str, Any]:
        corrections: dict[str, dict[str, str]] = {}
        for a in self.adjustments:
            corrections.setdefault(a.month, {})[str(a.user_id)] = str(a.after)
        return {
            "people": [_json(asdict(p)) for p in self.people],
            "supervisors": [_json(asdict(s)) for s in self.supervisors],
            "adjustments": [_json(asdict(a)) for a in self.adjustments],
            "records": [_json(asdict(r)) for r in self.records],
            "owed": {str(k): str(v) for k, v in owed_now.items()},
            "corrections": corrections,
        }


def _json(row: dict[str, Any]) -> dict[str, Any]:
    return {k: str(v) if isinstance(v, Decimal) else v for k, v in row.items()}


def _money(row: dict[str, Any]) -> dict[str, Any]:
    return {k: Decimal(v) if k in MONEY else v for k, v in row.items()}


def _people(ids: set[int]) -> dict[int, User]:
    if not ids:
        return {}
    users = db.session.scalars(
        select(User).where(User.id.in_(ids)).options(joinedload(User.department))
    )
    return {u.id: u for u in users}


def _dept(user: User | None) -> str:
    return user.department.name if user and user.department else ""


def build_live(month: str, rules: QualityRules) -> tuple[MonthView, dict[int, Decimal]]:
    summary, records = live_summary(month, rules)
    ids = {p.person_id for p in summary.people} | {s.supervisor_id for s in summary.supervisors}
    ids |= {r.recorded_by_id for r in records}
    who = _people(ids)
    view = MonthView(month=month, rules=rules)
    for p in summary.people:
        u = who.get(p.person_id)
        view.people.append(PersonRow(
            p.person_id, u.name if u else "", u.staff_no if u else "", _dept(u), p.deducted,
            p.added, p.net, p.point_fine, p.extra_fine, p.total_fine, p.step, p.posted,
            list(p.post_reasons), len(p.records), list(p.supervisor_missing),
        ))  # fmt: skip
    view.people.sort(key=lambda p: (p.department, p.staff_no))
    for s in summary.supervisors:
        u, person = who.get(s.supervisor_id), who.get(s.person_id)
        view.supervisors.append(ShareRow(
            s.supervisor_id, u.name if u else "", u.staff_no if u else "", _dept(u),
            person.name if person else "", list(s.record_ids), s.fine, s.reason,
        ))  # fmt: skip
    for r in records:
        u, by = who.get(r.user_id), who.get(r.recorded_by_id)
        view.records.append(RecordRow(
            r.id, r.occurred_on.isoformat(), u.staff_no if u else "", u.name if u else "",
            _dept(u), r.standard_code, r.standard_title, r.points, r.observed,
            by.name if by else "", r.supervisor_liable,
        ))  # fmt: skip
    for a in adjustments_before(month):
        view.adjustments.append(AdjustmentRow(a.month, a.user_id, a.name, a.staff_no,
                                              a.before, a.after, a.difference, a.why))  # fmt: skip
    return view, owed(summary)


def from_snapshot(row: QualityMonth) -> MonthView:
    data = row.snapshot
    return MonthView(
        month=row.month,
        rules=rules_from_mapping(row.rules),
        people=[PersonRow(**_money(p)) for p in data["people"]],
        supervisors=[ShareRow(**_money(s)) for s in data["supervisors"]],
        adjustments=[AdjustmentRow(**_money(a)) for a in data["adjustments"]],
        records=[RecordRow(**r) for r in data["records"]],
        confirmed=row,
    )


def month_view(month: str) -> MonthView:
    """The confirmed snapshot, or the summary as the records stand now."""
    row = confirmed(month)
    if row is not None:
        return from_snapshot(row)
    return build_live(month, current_rules())[0]


def confirm_month(user: User, month: str, now: datetime) -> QualityMonth:
    """Freeze the month's summary, with the adjustments it carries, as finance receives it."""
    if not user.has_role(Role.LEAD, Role.HR):
        raise NotAllowed("只有培训负责人或人力资源可以确认月度汇总。")
    if confirmed(month) is not None:
        raise ServiceError(f"{month_label(month)}的汇总已经确认过。", status=409)
    rules = current_rules()
    view, owed_now = build_live(month, rules)
    row = QualityMonth(month=month, rules=rules_to_mapping(rules),
                       snapshot=view.to_snapshot(owed_now), confirmed_by_id=user.id,
                       confirmed_at=now)  # fmt: skip
    db.session.add(row)
    note("month_confirmed", f"month:{month}", user, now, people=len(view.people),
         total=str(view.total_fines), adjustments=str(view.adjustments_total))  # fmt: skip
    db.session.commit()
    return row
