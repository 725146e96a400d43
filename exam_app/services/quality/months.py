"""The monthly summary (违规处理情况汇总) and its confirmation.

Freeze on confirm: confirming a month stores its summary as a snapshot (names, points,
fines, steps, the public list, supervisors' shares, with the rules used); the month's page
and Excel file read the snapshot from then on. Afterwards:
- a record dated in a confirmed month counts in the first month not yet confirmed
  (records.counted_month), like any new record of that month;
- an appeal decided later changes the record itself, not the snapshot. Each open month's
  summary lists, per earlier confirmed month, whose fines the records now give differently
  from what was settled (the snapshot, or a later confirmation's correction): 调整 lines
  with before, after and the difference, which are settled in turn when that month is
  confirmed. Finance thus sees every change once, in the next file it receives.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from exam_app.extensions import db
from exam_app.models import Appeal, QualityMonth, QualityRecord, QualityRules, User
from exam_app.quality import (
    DEFAULT_RULES,
    MonthSummary,
    Occurrence,
    monthly_summary,
    rules_from_mapping,
)
from exam_app.quality import QualityRules as Rules
from exam_app.services.quality.standards import titles

ZERO = Decimal("0.00")


def current_rules() -> Rules:
    """The company's rules: the latest stored, or the 考核办法's defaults."""
    row = db.session.scalar(select(QualityRules).order_by(QualityRules.id.desc()).limit(1))
    return DEFAULT_RULES if row is None else rules_from_mapping(row.rules)


def _records(month: str) -> list[QualityRecord]:
    return list(
        db.session.scalars(
            select(QualityRecord)
            .where(QualityRecord.month == month, QualityRecord.status == "active")
            .order_by(QualityRecord.id)
        )
    )


def live_summary(month: str, rules: Rules) -> tuple[MonthSummary, list[QualityRecord]]:
    records = _records(month)
    occurrences = [
        Occurrence(r.id, r.user_id, r.standard_code, r.points, r.supervisor_id,
                   r.supervisor_liable)
        for r in records
    ]  # fmt: skip
    return monthly_summary(occurrences, rules, titles()), records


def owed(summary: MonthSummary) -> dict[int, Decimal]:
    """Money per person of a month: their own fine plus the shares they bear as superior."""
    owed: dict[int, Decimal] = {p.person_id: p.total_fine for p in summary.people}
    for share in summary.supervisors:
        owed[share.supervisor_id] = owed.get(share.supervisor_id, ZERO) + share.fine
    return owed


@dataclass(frozen=True)
class Adjustment:
    month: str  # the confirmed month it corrects
    user_id: int
    name: str
    staff_no: str
    before: Decimal
    after: Decimal
    why: str

    @property
    def difference(self) -> Decimal:
        return self.after - self.before


def _settled(month: QualityMonth, later: list[QualityMonth]) -> dict[int, Decimal]:
    settled = {int(k): Decimal(v) for k, v in month.snapshot.get("owed", {}).items()}
    for confirmed in later:
        for k, v in confirmed.snapshot.get("corrections", {}).get(month.month, {}).items():
            settled[int(k)] = Decimal(v)
    return settled


def adjustments_before(month: str) -> list[Adjustment]:
    """Corrections of confirmed months before `month` that no confirmation has settled."""
    confirmed = list(db.session.scalars(select(QualityMonth).order_by(QualityMonth.month)))
    earlier = [m for m in confirmed if m.month < month]
    changed: dict[str, list[Appeal]] = {}
    for m in earlier:  # only months whose records were decided on after confirmation
        decided = db.session.scalars(
            select(Appeal).join(QualityRecord, Appeal.quality_record_id == QualityRecord.id)
            .where(QualityRecord.month == m.month, Appeal.decided_at > m.confirmed_at)
            .options(joinedload(Appeal.record))
        ).all()  # fmt: skip
        if decided:
            changed[m.month] = list(decided)
    lines: list[Adjustment] = []
    for m in earlier:
        if m.month not in changed:
            continue
        later = [c for c in confirmed if m.month < c.month < month]
        settled = _settled(m, later)
        now_owed = owed(live_summary(m.month, rules_from_mapping(m.rules))[0])
        for user_id in sorted(set(settled) | set(now_owed)):
            before, after = settled.get(user_id, ZERO), now_owed.get(user_id, ZERO)
            if before == after:
                continue
            user = db.session.get(User, user_id)
            why = "；".join(
                f"记录 {a.record.id}（{a.record.standard_title}）申诉{a.outcome_label}"
                for a in changed[m.month]
                if user_id in (a.record.user_id, a.record.supervisor_id)
            )
            lines.append(Adjustment(m.month, user_id, user.name if user else "",
                                    user.staff_no if user else "", before, after, why))  # fmt: skip
    return lines


def confirmed(month: str) -> QualityMonth | None:
    return db.session.scalar(select(QualityMonth).where(QualityMonth.month == month))
