"""The company's rules (考核办法 §4.2 as data): change them, restore the defaults, and say
which months a change reaches.

A change is a new quality_rules row (the latest is in force, older rows are its history)
and a quality_events row with the rules before and after. It reaches every month not yet
confirmed, past months with records included, because their summaries are computed when
read; a confirmed month keeps the rules stored in its snapshot (quality_months.rules), so
no change of rules ever alters what finance was sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from exam_app.extensions import db
from exam_app.models import QualityMonth, QualityRecord, QualityRules, Role, User
from exam_app.quality import DEFAULT_RULES, rules_to_mapping
from exam_app.quality import QualityRules as Rules
from exam_app.services.errors import NotAllowed
from exam_app.services.quality.audit import note
from exam_app.services.quality.months import current_rules


def _allowed(user: User) -> None:
    if not user.has_role(Role.LEAD, Role.ADMIN):
        raise NotAllowed("只有培训负责人或系统管理员可以修改考核规则。")


def set_rules(user: User, rules: Rules, now: datetime, *, action: str = "rules_changed") -> bool:
    """Put `rules` in force; False (and nothing stored) when they are the rules in force."""
    _allowed(user)
    before = current_rules()
    if rules == before:
        return False
    after = rules_to_mapping(rules)
    db.session.add(QualityRules(rules=after, changed_by_id=user.id, changed_at=now))
    note(action, "rules", user, now, before=rules_to_mapping(before), after=after)
    db.session.commit()
    return True


def reset_rules(user: User, now: datetime) -> bool:
    """Back to 考核办法 §4.2 as shipped; stored as a change like any other (history kept)."""
    return set_rules(user, DEFAULT_RULES, now, action="rules_reset")


@dataclass(frozen=True)
class Change:
    by: str
    at: datetime


def last_change() -> Change | None:
    row = db.session.execute(
        select(User.name, QualityRules.changed_at)
        .join(User, User.id == QualityRules.changed_by_id, isouter=True)
        .order_by(QualityRules.id.desc())
        .limit(1)
    ).first()
    return None if row is None else Change(row[0] or "系统", row[1])


@dataclass(frozen=True)
class Scope:
    """Which months the rules in force (and any change of them) apply to."""

    open_months: list[str]  # months with records, not confirmed: computed with the new rules
    confirmed_months: list[str]  # frozen with the rules they were confirmed with


def scope() -> Scope:
    confirmed = list(db.session.scalars(select(QualityMonth.month).order_by(QualityMonth.month)))
    with_records = db.session.scalars(
        select(QualityRecord.month)
        .where(QualityRecord.status == "active")
        .distinct()
        .order_by(QualityRecord.month)
    )
    frozen = set(confirmed)
    return Scope([m for m in with_records if m not in frozen], confirmed)
