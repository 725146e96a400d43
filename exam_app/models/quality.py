"""Service quality beside the exam: the standards catalogue, one record per fault or bonus
(过失通知单 / 加分记录), confirmed months, the quarter's weights and 定性 ratings, and the
audit trail of every change to them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exam_app.extensions import db
from exam_app.models.base import utcnow

RECORD_STATUS_LABELS = {"active": "有效", "voided": "已撤销"}


class QualityStandard(db.Model):
    """One standard of the catalogue (考核标准): points per occurrence, minus or plus.

    Synced from the catalogue file like the bank from its files (origin 'file'), or added
    in the app by a lead (origin 'app'). A retired standard stays on old records and is not
    offered for new ones. `revision` grows each time its text or points change.
    """

    __tablename__ = "quality_standards"
    __table_args__ = (CheckConstraint("origin in ('file', 'app')", name="origin"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text, default="")
    points: Mapped[int]  # signed: -2 is a fault, +5 a bonus
    category: Mapped[str] = mapped_column(String(100), default="")
    source: Mapped[str] = mapped_column(String(200), default="")
    origin: Mapped[str] = mapped_column(String(4), default="file")
    catalogue_version: Mapped[str] = mapped_column(String(40), default="")
    file_line: Mapped[int | None]
    revision: Mapped[int] = mapped_column(default=1)
    retired: Mapped[bool] = mapped_column(default=False)
    retired_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def label(self) -> str:
        sign = "加" if self.points > 0 else "扣"
        return f"{self.code} {self.title}（{sign} {abs(self.points)} 分）"


class QualityRecord(db.Model):
    """One occurrence: a fault (过失通知单) or a bonus (加分记录).

    The standard's code, title and points are frozen on the record when it is made.
    `month` (YYYY-MM) is the summary it counts in: the month of the occurrence, or, when
    that month was already confirmed, the first month not yet confirmed after it. An appeal
    decided later voids or changes the record itself; a confirmed month's snapshot keeps
    what was confirmed, and the next summary shows the difference as an adjustment
    (services/quality/months.py).
    """

    __tablename__ = "quality_records"
    __table_args__ = (
        CheckConstraint("status in ('active', 'voided')", name="status"),
        Index("ix_quality_records_month_user", "month", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    occurred_on: Mapped[date]
    month: Mapped[str] = mapped_column(String(7))
    standard_id: Mapped[int] = mapped_column(ForeignKey("quality_standards.id"))
    standard_code: Mapped[str] = mapped_column(String(20))
    standard_title: Mapped[str] = mapped_column(String(200))
    points: Mapped[int]
    observed: Mapped[str] = mapped_column(Text)  # what was seen (情况说明)
    # The person's direct superior when the record was made, and whether they were found
    # liable (查实负有管理责任): the 70/30 rule.
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    supervisor_liable: Mapped[bool] = mapped_column(default=False)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(10), default="active")

    person = relationship("User", foreign_keys=[user_id])
    supervisor = relationship("User", foreign_keys=[supervisor_id])
    recorded_by = relationship("User", foreign_keys=[recorded_by_id])
    standard = relationship("QualityStandard")

    @property
    def status_label(self) -> str:
        return RECORD_STATUS_LABELS[self.status]

    @property
    def kind_label(self) -> str:
        return "加分" if self.points > 0 else "扣分"


class QualityRules(db.Model):
    """The company's thresholds and fines as data; the latest row is in force, older rows
    are its history."""

    __tablename__ = "quality_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    rules: Mapped[dict[str, Any]] = mapped_column(JSON)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)


class QualityMonth(db.Model):
    """A confirmed month: the summary as it was confirmed (and sent to finance), frozen."""

    __tablename__ = "quality_months"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7), unique=True)
    rules: Mapped[dict[str, Any]] = mapped_column(JSON)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    confirmed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime] = mapped_column(default=utcnow)

    confirmed_by = relationship("User")


class QuarterWeights(db.Model):
    """The lead's weights for a quarter's combined score: exam, quality, rating (sum 100)."""

    __tablename__ = "quarter_weights"
    __table_args__ = (
        CheckConstraint("exam + quality + rating = 100", name="sum"),
        CheckConstraint("exam >= 0 and quality >= 0 and rating >= 0", name="positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quarter: Mapped[str] = mapped_column(String(6), unique=True)
    exam: Mapped[int]
    quality: Mapped[int]
    rating: Mapped[int]
    set_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    set_at: Mapped[datetime] = mapped_column(default=utcnow)


class QualityRating(db.Model):
    """The 定性 rating (0–100) of a person for a quarter, entered by their superior."""

    __tablename__ = "quality_ratings"
    __table_args__ = (
        UniqueConstraint("user_id", "quarter"),
        CheckConstraint("score >= 0 and score <= 100", name="range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    quarter: Mapped[str] = mapped_column(String(6))
    score: Mapped[int]
    comment: Mapped[str] = mapped_column(Text, default="")
    rated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    rated_at: Mapped[datetime] = mapped_column(default=utcnow)

    rated_by = relationship("User", foreign_keys=[rated_by_id])


class QualityEvent(db.Model):
    """The audit trail: who did what to which record, appeal, month, weight or rating."""

    __tablename__ = "quality_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(String(30))
    subject: Mapped[str] = mapped_column(String(40), index=True)  # e.g. record:12, month:2026-11
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)  # whom
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(default=utcnow)

    actor = relationship("User", foreign_keys=[actor_id])
