"""Reading a staff file (员工考核档案): results per quarter, trend, practice, appeals, and
the score history every result is derived from."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import current_app
from markupsafe import Markup
from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from exam_app.extensions import db
from exam_app.models import (
    Appeal,
    Attempt,
    AttemptItem,
    PracticeAnswer,
    QualityRecord,
    QuarterResult,
    Question,
    Role,
    ScoreEvent,
    User,
)
from exam_app.models.base import utcnow
from exam_app.models.records import SCORE_SOURCE_LABELS
from exam_app.services.appeals import appeals_of, local_date
from exam_app.services.quality.quarters import QuarterScore, person_scores
from exam_app.services.quality.record_appeals import appeals_by_record, record_deadline
from exam_app.services.quality.records import records_of
from exam_app.trend_chart import Point, trend_svg

# Changes after release: what moves a result already in the file.
LATE_SOURCES = ("appeal", "regrade")


def results_of(user: User) -> list[QuarterResult]:
    return list(
        db.session.scalars(
            select(QuarterResult)
            .where(QuarterResult.user_id == user.id)
            .order_by(QuarterResult.quarter.desc(), QuarterResult.recorded_at.desc())
        )
    )


@dataclass(frozen=True)
class ScoreLine:
    at: datetime
    position: int
    source: str
    source_label: str
    score: Decimal
    previous: Decimal | None
    who: str
    reason: str
    after_release: bool


@dataclass
class AttemptHistory:
    attempt_id: int
    lines: list[ScoreLine] = field(default_factory=list)
    released_total: Decimal | None = None  # the total when the result was first recorded

    @property
    def late_changes(self) -> list[ScoreLine]:
        return [line for line in self.lines if line.after_release]

    @property
    def items(self) -> list[ItemHistory]:
        """The lines folded per item, in the paper's order: a 30-item exam reads as 30 rows
        (each with its final score and how it got there), not as every event in a row."""
        by_position: dict[int, list[ScoreLine]] = {}
        for line in self.lines:
            by_position.setdefault(line.position, []).append(line)
        return [ItemHistory(p, by_position[p]) for p in sorted(by_position)]

    @property
    def summary(self) -> str:
        """「共 33 条：自动评分 30 条、阅卷评分 3 条」"""
        counts = Counter(line.source_label for line in self.lines)
        parts = "、".join(f"{label} {n} 条" for label, n in counts.items())
        return f"共 {len(self.lines)} 条：{parts}"


@dataclass(frozen=True)
class ItemHistory:
    position: int
    lines: list[ScoreLine]

    @property
    def score(self) -> Decimal:
        return self.lines[-1].score

    @property
    def changed(self) -> bool:
        """Scored more than once (reviewed, appealed, regraded): worth opening."""
        return len(self.lines) > 1


@dataclass(frozen=True)
class PracticeTopic:
    topic: str
    answered: int
    correct: int
    last_at: datetime


@dataclass
class StaffFile:
    person: User
    results: list[QuarterResult]
    chart: Markup | None
    practice: list[PracticeTopic]
    appeals: list[Appeal]
    histories: dict[int, AttemptHistory]
    # Service quality beside the exam: the person's records (with their appeals and the
    # last day to appeal each) and the quarters' combined scores with their parts.
    quality_records: list[QualityRecord] = field(default_factory=list)
    record_appeals: dict[int, list[Appeal]] = field(default_factory=dict)
    record_deadlines: dict[int, date] = field(default_factory=dict)
    combined: list[QuarterScore] = field(default_factory=list)
    combined_chart: Markup | None = None
    today: date | None = None

    @property
    def last_practice(self) -> datetime | None:
        return max((p.last_at for p in self.practice), default=None)

    @property
    def quarters(self) -> list[tuple[str, list[QuarterResult]]]:
        """Results under their quarter, newest first (the order results_of reads them in)."""
        grouped: dict[str, list[QuarterResult]] = {}
        for r in self.results:
            grouped.setdefault(r.quarter, []).append(r)
        return list(grouped.items())


def _who(event: ScoreEvent, for_lead: bool) -> str:
    """Leads see names; the staff member sees roles only, so marking stays blind."""
    actor = event.actor
    if actor is None:
        return "系统"
    if for_lead:
        return f"{actor.name}（{actor.username}）"
    if event.source in ("regrade", "reconcile") or not actor.has_role(Role.REVIEWER):
        return "培训负责人"
    return "阅卷人"


def _label(event: ScoreEvent) -> str:
    if event.source == "reconcile" and event.reason.startswith("仲裁"):
        return "仲裁"
    return SCORE_SOURCE_LABELS.get(event.source, event.source)


def histories_of(person: User, *, for_lead: bool) -> dict[int, AttemptHistory]:
    """Every ScoreEvent of the person's released attempts, in the order they happened."""
    rows = db.session.execute(
        select(ScoreEvent, AttemptItem, Attempt)
        .join(AttemptItem, ScoreEvent.attempt_item_id == AttemptItem.id)
        .join(Attempt, AttemptItem.attempt_id == Attempt.id)
        .where(Attempt.user_id == person.id, Attempt.status == "released")
        .options(joinedload(ScoreEvent.actor))
        .order_by(Attempt.id, ScoreEvent.id)
    ).all()
    histories: dict[int, AttemptHistory] = {}
    latest: dict[int, Decimal] = {}
    late_delta: dict[int, Decimal] = {}
    for event, item, attempt in rows:
        history = histories.setdefault(attempt.id, AttemptHistory(attempt.id))
        previous = latest.get(item.id)
        after = (
            event.source in LATE_SOURCES
            and attempt.released_at is not None
            and event.created_at >= attempt.released_at
        )
        if after and item.counted:
            delta = event.score - (previous or Decimal(0))
            late_delta[attempt.id] = late_delta.get(attempt.id, Decimal(0)) + delta
        history.lines.append(
            ScoreLine(
                at=event.created_at,
                position=item.position,
                source=event.source,
                source_label=_label(event),
                score=event.score,
                previous=previous,
                who=_who(event, for_lead),
                reason=event.reason,
                after_release=after,
            )
        )
        latest[item.id] = event.score
        if attempt.total is not None:
            history.released_total = attempt.total - late_delta.get(attempt.id, Decimal(0))
    return histories


def practice_of(person: User) -> list[PracticeTopic]:
    rows = db.session.execute(
        select(
            Question.topic,
            func.count(PracticeAnswer.id),
            func.sum(case((PracticeAnswer.correct.is_(True), 1), else_=0)),
            func.max(PracticeAnswer.answered_at),
        )
        .join(Question, PracticeAnswer.question_id == Question.id)
        .where(PracticeAnswer.user_id == person.id)
        .group_by(Question.topic)
        .order_by(func.count(PracticeAnswer.id).desc(), Question.topic)
    ).all()
    return [PracticeTopic(t, n, int(c or 0), last) for t, n, c, last in rows]


def _local_date(value: datetime, fmt: str) -> str:
    zone = ZoneInfo(current_app.config.get("DISPLAY_TIMEZONE", "Asia/Shanghai"))
    return value.replace(tzinfo=UTC).astimezone(zone).strftime(fmt)


def _chart(results: list[QuarterResult]) -> Markup | None:
    if not results:
        return None
    ordered = sorted(results, key=lambda r: (r.quarter, r.recorded_at))
    points = [
        Point(
            label=r.quarter,
            percent=(r.total * 100 / r.max_total) if r.max_total else Decimal(0),
            passed=r.passed,
            title=f"{r.quarter} {r.paper_title}（{_local_date(r.recorded_at, '%Y-%m-%d')}）："
            f"{r.total.normalize():f} / {r.max_total.normalize():f}",
            sublabel=_local_date(r.recorded_at, "%m-%d"),  # two exams of a quarter told apart
        )
        for r in ordered
    ]
    return Markup(trend_svg(points))  # every text in it is escaped by trend_svg


def _combined_chart(scores: list[QuarterScore]) -> Markup | None:
    points = [
        Point(
            label=s.quarter,
            percent=s.score.total,
            passed=s.score.total >= 60,
            title=f"{s.label} 综合得分 {s.score.total:f}",
        )
        for s in sorted(scores, key=lambda s: s.quarter)
        if s.score is not None and s.score.total is not None
    ]
    return Markup(trend_svg(points, label="季度综合得分趋势")) if points else None


def staff_file(person: User, *, for_lead: bool) -> StaffFile:
    results = results_of(person)
    records = records_of(person)
    combined = person_scores(person)
    return StaffFile(
        person=person,
        results=results,
        chart=_chart(results),
        practice=practice_of(person),
        appeals=appeals_of(person),
        histories=histories_of(person, for_lead=for_lead),
        quality_records=records,
        record_appeals=appeals_by_record(person),
        record_deadlines={r.id: record_deadline(r) for r in records},
        combined=combined,
        combined_chart=_combined_chart(combined),
        today=local_date(utcnow()),
    )
