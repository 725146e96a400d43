"""The quarter's combined score (综合考核): the exam result as a percent, the service-quality
score of the quarter's months, and the superior's 定性 rating, weighted by the lead.

The quality part reads the records as they stand (appeals included), by the month each
counts in; money is the monthly summaries' business, this is a score.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, lazyload

from exam_app.extensions import db
from exam_app.models import (
    QualityRating,
    QualityRecord,
    QuarterResult,
    QuarterWeights,
    Role,
    User,
    UserRole,
)
from exam_app.quality import CombinedScore, QualityError, Weights, combined_score, quality_score
from exam_app.quality.calendar import (
    QUARTER,
    months_of_quarter,
    quarter_label,
    quarter_of_month,
)
from exam_app.services.errors import NotAllowed, ServiceError
from exam_app.services.quality.audit import note

MAX_COMMENT = 500


def checked_quarter(quarter: str) -> str:
    if not QUARTER.fullmatch(quarter or ""):
        raise ServiceError("季度应形如 2026Q4。", status=404)
    return quarter


def weights_of(quarter: str) -> QuarterWeights | None:
    return db.session.scalar(select(QuarterWeights).where(QuarterWeights.quarter == quarter))


def _percent_field(raw: str, field: str, name: str) -> int:
    try:
        value = int((raw or "").strip())
    except ValueError:
        raise ServiceError(f"「{name}」应为 0 到 100 的整数。", field=field) from None
    if not 0 <= value <= 100:
        raise ServiceError(f"「{name}」应为 0 到 100 的整数。", field=field)
    return value


def set_weights(lead: User, quarter: str, exam: str, quality: str, rating: str,
                now: datetime) -> QuarterWeights:  # fmt: skip
    if not lead.has_role(Role.LEAD):
        raise NotAllowed("季度权重由培训负责人设置。")
    checked_quarter(quarter)
    values = (
        _percent_field(exam, "exam", "考试成绩权重"),
        _percent_field(quality, "quality", "服务质量权重"),
        _percent_field(rating, "rating", "定性评价权重"),
    )
    try:
        Weights(*(Decimal(v) for v in values))
    except QualityError as e:
        raise ServiceError(str(e), field="exam") from None
    row = weights_of(quarter) or QuarterWeights(quarter=quarter)
    before = (row.exam, row.quality, row.rating) if row.id else None
    row.exam, row.quality, row.rating = values
    row.set_by_id, row.set_at = lead.id, now
    db.session.add(row)
    note("weights_set", f"quarter:{quarter}", lead, now, weights=list(values),
         before=list(before) if before else None)  # fmt: skip
    db.session.commit()
    return row


def rateable_people(rater: User) -> list[User]:
    """A superior rates their direct reports; a lead also rates staff who have no superior."""
    query = (
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == str(Role.STAFF), User.is_active_account.is_(True),
               User.id != rater.id)
        .options(joinedload(User.department))
        .order_by(User.staff_no)
    )  # fmt: skip
    if rater.has_role(Role.LEAD):
        query = query.where((User.supervisor_id == rater.id) | User.supervisor_id.is_(None))
    else:
        query = query.where(User.supervisor_id == rater.id)
    return list(db.session.scalars(query).unique())


def ratings_of(quarter: str, user_ids: list[int]) -> dict[int, QualityRating]:
    rows = db.session.scalars(
        select(QualityRating).where(QualityRating.quarter == quarter,
                                    QualityRating.user_id.in_(user_ids))
    )  # fmt: skip
    return {r.user_id: r for r in rows}


def rate(rater: User, quarter: str, entries: dict[int, tuple[str, str]],
         now: datetime) -> int:  # fmt: skip
    """Save the ratings given (person id -> (score, comment)); all or nothing."""
    checked_quarter(quarter)
    people = {p.id: p for p in rateable_people(rater)}
    checked: list[tuple[User, int, str]] = []
    for person_id, (score, comment) in entries.items():
        person = people.get(person_id)
        if person is None:
            raise NotAllowed("只能为自己的直属下属评定。")
        value = _percent_field(score, f"score-{person_id}", f"{person.name}的定性评价")
        comment = (comment or "").strip()
        if len(comment) > MAX_COMMENT:
            raise ServiceError(f"{person.name}的评语最多 {MAX_COMMENT} 字。",
                               field=f"comment-{person_id}")  # fmt: skip
        checked.append((person, value, comment))
    stored = ratings_of(quarter, [p.id for p, _, _ in checked])
    for person, value, comment in checked:
        row = stored.get(person.id)
        before = row.score if row else None
        if row is None:
            row = QualityRating(user_id=person.id, quarter=quarter)
            db.session.add(row)
        row.score, row.comment, row.rated_by_id, row.rated_at = value, comment, rater.id, now
        note("rating_set", f"quarter:{quarter}", rater, now, whom=person.id, score=value,
             before=before)  # fmt: skip
    db.session.commit()
    return len(checked)


def _exam_percents(user_ids: list[int], quarter: str) -> dict[int, Decimal]:
    """The quarter's exam result as a percent per person, in one query: the latest released
    result of the quarter (a make-up exam replaces the first sitting)."""
    rows = db.session.execute(
        select(QuarterResult.user_id, QuarterResult.total, QuarterResult.max_total)
        .where(QuarterResult.user_id.in_(user_ids), QuarterResult.quarter == quarter)
        .order_by(QuarterResult.recorded_at, QuarterResult.id)
    ).all()
    percents: dict[int, Decimal] = {}
    for user_id, total, max_total in rows:  # later rows replace earlier ones
        if max_total:
            percents[user_id] = (total * 100 / max_total).quantize(Decimal("0.01"))
    return percents


def _quality_points(user_ids: list[int], quarter: str) -> dict[int, tuple[int, int]]:
    rows = db.session.execute(
        select(QualityRecord.user_id, QualityRecord.points, func.count())
        .where(QualityRecord.user_id.in_(user_ids), QualityRecord.status == "active",
               QualityRecord.month.in_(months_of_quarter(quarter)))
        .group_by(QualityRecord.user_id, QualityRecord.points)
    ).all()  # fmt: skip
    points: dict[int, tuple[int, int]] = {}
    for user_id, value, count in rows:
        deducted, added = points.get(user_id, (0, 0))
        if value < 0:
            deducted -= value * count
        else:
            added += value * count
        points[user_id] = (deducted, added)
    return points


@dataclass(frozen=True)
class QuarterScore:
    quarter: str
    person: User
    score: CombinedScore | None  # None while the lead has set no weights
    rating_comment: str = ""

    @property
    def label(self) -> str:
        return quarter_label(self.quarter)


def quarter_scores(quarter: str, people: list[User]) -> list[QuarterScore]:
    """Each person's combined score, in four queries whatever the number of people."""
    weights = weights_of(quarter)
    if weights is None:
        return [QuarterScore(quarter, person, None) for person in people]
    ids = [p.id for p in people]
    ratings = ratings_of(quarter, ids)
    points = _quality_points(ids, quarter)
    exams = _exam_percents(ids, quarter)
    scores = []
    for person in people:
        deducted, added = points.get(person.id, (0, 0))
        rating = ratings.get(person.id)
        score = combined_score(
            exams.get(person.id),
            quality_score(deducted, added),
            Decimal(rating.score) if rating else None,
            Weights(Decimal(weights.exam), Decimal(weights.quality), Decimal(weights.rating)),
        )
        scores.append(QuarterScore(quarter, person, score, rating.comment if rating else ""))
    return scores


def staff_in_quarter() -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == str(Role.STAFF))
            .options(joinedload(User.department), lazyload(User.role_rows))
            .order_by(User.staff_no)
        ).unique()
    )


def quarters_of(person: User) -> list[str]:
    """Quarters with weights set and something of the person in them, newest first."""
    weighted = set(db.session.scalars(select(QuarterWeights.quarter)))
    results = set(db.session.scalars(
        select(QuarterResult.quarter).where(QuarterResult.user_id == person.id)))  # fmt: skip
    rated = set(db.session.scalars(
        select(QualityRating.quarter).where(QualityRating.user_id == person.id)))  # fmt: skip
    months = db.session.scalars(
        select(QualityRecord.month).where(QualityRecord.user_id == person.id).distinct()
    )
    recorded = {quarter_of_month(m) for m in months}
    return sorted(weighted & (results | rated | recorded), reverse=True)


def person_scores(person: User) -> list[QuarterScore]:
    return [quarter_scores(q, [person])[0] for q in quarters_of(person)]
