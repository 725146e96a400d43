"""The monthly summary of 客户服务质量考核办法 §4.2: fines, steps, the public list, 70/30.

Pure: the thresholds are data (QualityRules), so a company can change them, and the summary
is a function of one month's occurrences. Decisions the document leaves open, made here:
- Bonuses (加分) never offset deductions for fines, bands or posting: §4.2 speaks only of
  points deducted (扣分). They are reported (added, net) and count in the quarter's
  service-quality score (combined.quality_score).
- "同一问题" is one standard (same code); only deductions count towards it.
- The 70/30 split covers the per-point fine of the records where the direct supervisor was
  found liable (§4.2.6) and of every occurrence of a standard repeated repeat_times or more
  (§4.2.7 brings the supervisor in); band extra fines and steps stay with the person.
- Money is Decimal, rounded to fen (0.01, 四舍五入) once per supervisor and person; the
  supervisor's share is rounded and the person pays the rest, so nothing is lost to rounding.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .errors import QualityError
from .rules import DEFAULT_RULES, Band, QualityRules, rules_from_mapping, rules_to_mapping

__all__ = [
    "DEFAULT_RULES",
    "Band",
    "MonthSummary",
    "Occurrence",
    "PersonMonth",
    "QualityRules",
    "SupervisorShare",
    "monthly_summary",
    "rules_from_mapping",
    "rules_to_mapping",
]

FEN = Decimal("0.01")
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Occurrence:
    """One 过失通知单 or 加分记录, as the summary needs it."""

    record_id: int
    person_id: int
    standard_code: str
    points: int  # signed: -2 deducted, +5 added
    supervisor_id: int | None  # the person's direct supervisor (直属上司) at the time
    supervisor_found_liable: bool  # §4.2.6: 经查实负有管理责任


@dataclass(frozen=True)
class PersonMonth:
    person_id: int
    deducted: int  # positive: the month's deductions
    added: int  # the month's bonus points
    net: int  # added − deducted
    point_fine: Decimal  # deducted × yuan_per_point, less the supervisors' shares
    extra_fine: Decimal  # the band's 加罚
    total_fine: Decimal
    step: str  # the band's step: '', '行政处分', '开除'
    posted: bool  # on the public list (公布张贴)
    post_reasons: tuple[str, ...]
    repeated_codes: tuple[str, ...]  # standards deducted repeat_times or more
    records: tuple[int, ...]  # every record of the month, bonuses included
    # Records whose fine a supervisor should share but none was recorded: the person pays it
    # all, and the page should ask for the supervisor to be filled in.
    supervisor_missing: tuple[int, ...] = ()


@dataclass(frozen=True)
class SupervisorShare:
    supervisor_id: int
    person_id: int
    record_ids: tuple[int, ...]
    fine: Decimal
    reason: str


@dataclass(frozen=True)
class MonthSummary:
    people: tuple[PersonMonth, ...]  # by person_id
    supervisors: tuple[SupervisorShare, ...]  # by supervisor_id, then person_id

    @property
    def posted(self) -> tuple[PersonMonth, ...]:
        return tuple(p for p in self.people if p.posted)

    @property
    def total_fines(self) -> Decimal:
        return sum((p.total_fine for p in self.people), ZERO) + sum(
            (s.fine for s in self.supervisors), ZERO
        )


def _fen(value: Decimal) -> Decimal:
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def _label(code: str, titles: Mapping[str, str]) -> str:
    title = titles.get(code)
    return f"「{title}」（{code}）" if title else f"「{code}」"


def _checked(occurrences: Iterable[Occurrence]) -> list[Occurrence]:
    items = list(occurrences)
    seen: set[int] = set()
    for item in items:
        if isinstance(item.points, bool) or not isinstance(item.points, int) or item.points == 0:
            raise QualityError(f"记录 {item.record_id} 的分值应为非零整数，不是“{item.points}”")
        if item.record_id in seen:
            raise QualityError(f"记录 {item.record_id} 重复出现")
        seen.add(item.record_id)
    return items


def monthly_summary(
    occurrences: Iterable[Occurrence],
    rules: QualityRules = DEFAULT_RULES,
    titles: Mapping[str, str] | None = None,
) -> MonthSummary:
    """One month's summary per person and the supervisors' shares.

    titles (standard code -> short title) only makes the Chinese reasons readable.
    """
    titles = titles or {}
    by_person: dict[int, list[Occurrence]] = defaultdict(list)
    for item in _checked(occurrences):
        by_person[item.person_id].append(item)
    people: list[PersonMonth] = []
    shares: list[SupervisorShare] = []
    for person_id in sorted(by_person):
        person, person_shares = _person_month(person_id, by_person[person_id], rules, titles)
        people.append(person)
        shares.extend(person_shares)
    shares.sort(key=lambda s: (s.supervisor_id, s.person_id))
    return MonthSummary(people=tuple(people), supervisors=tuple(shares))


def _person_month(
    person_id: int, items: list[Occurrence], rules: QualityRules, titles: Mapping[str, str]
) -> tuple[PersonMonth, list[SupervisorShare]]:
    items = sorted(items, key=lambda o: o.record_id)
    faults = [o for o in items if o.points < 0]
    deducted = -sum(o.points for o in faults)
    added = sum(o.points for o in items if o.points > 0)
    counts: dict[str, int] = defaultdict(int)
    for o in faults:
        counts[o.standard_code] += 1
    repeated = tuple(sorted(c for c, n in counts.items() if n >= rules.repeat_times))

    reasons: list[str] = []
    if deducted >= rules.post_at_points:
        reasons.append(f"当月扣分 {deducted} 分（≥{rules.post_at_points} 分）")
    reasons.extend(f"{_label(c, titles)}同一问题发生 {counts[c]} 次" for c in repeated)

    # Which supervisor shares which record, and why.
    shared: dict[int, list[Occurrence]] = defaultdict(list)
    why: dict[int, list[str]] = defaultdict(list)
    missing: list[int] = []
    for o in faults:
        if o.supervisor_found_liable or o.standard_code in repeated:
            if o.supervisor_id is None:
                missing.append(o.record_id)
            else:
                shared[o.supervisor_id].append(o)
    supervisor_shares: list[SupervisorShare] = []
    supervisor_total = ZERO
    for supervisor_id in sorted(shared):
        records = shared[supervisor_id]
        liable = [o.record_id for o in records if o.supervisor_found_liable]
        if liable:
            why[supervisor_id].append(f"经查实负有管理责任（记录 {'、'.join(map(str, liable))}）")
        why[supervisor_id].extend(
            f"{_label(c, titles)}一个月内发生 {counts[c]} 次，追究直属上司连带责任"
            for c in repeated
            if any(o.standard_code == c for o in records)
        )
        points = -sum(o.points for o in records)
        fine = _fen(points * rules.yuan_per_point * rules.supervisor_share)
        supervisor_total += fine
        share_text = f"{_percent(rules.liable_share)}/{_percent(rules.supervisor_share)}"
        supervisor_shares.append(
            SupervisorShare(
                supervisor_id=supervisor_id,
                person_id=person_id,
                record_ids=tuple(o.record_id for o in records),
                fine=fine,
                reason="；".join(why[supervisor_id])
                + f"；按 {share_text} 原则，承担这 {points} 分罚款"
                f"（{_fen(points * rules.yuan_per_point)} 元）的 {_percent(rules.supervisor_share)}%",
            )
        )

    band = rules.band_for(deducted)
    point_fine = _fen(deducted * rules.yuan_per_point) - supervisor_total
    extra_fine = _fen(band.extra_fine) if band else ZERO
    person = PersonMonth(
        person_id=person_id,
        deducted=deducted,
        added=added,
        net=added - deducted,
        point_fine=point_fine,
        extra_fine=extra_fine,
        total_fine=point_fine + extra_fine,
        step=band.step if band else "",
        posted=bool(reasons),
        post_reasons=tuple(reasons),
        repeated_codes=repeated,
        records=tuple(o.record_id for o in items),
        supervisor_missing=tuple(missing),
    )
    return person, supervisor_shares


def _percent(share: Decimal) -> str:
    return f"{(share * 100).normalize():f}"
