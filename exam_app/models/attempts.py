"""Attempts: one person's sitting of one paper, with its drawn items frozen."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exam_app.extensions import db
from exam_app.models.base import Score, utcnow

ATTEMPT_STATUS_LABELS = {
    "in_progress": "作答中",
    "submitted": "待阅卷",
    "graded": "已评分",
    "released": "已发布成绩",
}


class Attempt(db.Model):
    __tablename__ = "attempts"
    __table_args__ = (
        UniqueConstraint("paper_id", "user_id"),  # one sitting per paper
        CheckConstraint(
            "status in ('in_progress', 'submitted', 'graded', 'released')", name="status"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    paper_id: Mapped[int] = mapped_column(ForeignKey("papers.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    candidate_code: Mapped[str] = mapped_column(String(12), unique=True)  # what reviewers see
    status: Mapped[str] = mapped_column(String(12), default="in_progress")
    seed: Mapped[int]  # the draw is reproducible from it
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    auto_submitted: Mapped[bool] = mapped_column(default=False)
    graded_at: Mapped[datetime | None]
    released_at: Mapped[datetime | None]
    total: Mapped[Decimal | None] = mapped_column(Score())
    max_total: Mapped[Decimal] = mapped_column(Score())
    passed: Mapped[bool | None]

    paper = relationship("Paper", lazy="joined")
    user = relationship("User", lazy="joined")
    items: Mapped[list[AttemptItem]] = relationship(
        back_populates="attempt", order_by="AttemptItem.position", cascade="all, delete-orphan"
    )

    @property
    def status_label(self) -> str:
        return ATTEMPT_STATUS_LABELS[self.status]


class AttemptItem(db.Model):
    __tablename__ = "attempt_items"
    __table_args__ = (UniqueConstraint("attempt_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"))
    position: Mapped[int]  # 1-based order shown to the candidate
    section_position: Mapped[int]
    section_title: Mapped[str] = mapped_column(String(200))
    question_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id"))
    kind: Mapped[str] = mapped_column(String(10))
    points: Mapped[Decimal] = mapped_column(Score())
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    response: Mapped[Any | None] = mapped_column(JSON)
    # Client-chosen, increasing (ms clock): a stale save never overwrites a newer one.
    save_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    saved_at: Mapped[datetime | None]
    # Derived from the score history (ScoreEvent); kept here so pages need no aggregation.
    score: Mapped[Decimal | None] = mapped_column(Score())
    needs_review: Mapped[bool] = mapped_column(default=False)

    attempt: Mapped[Attempt] = relationship(back_populates="items")
