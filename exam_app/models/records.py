"""The staff file (员工考核档案): score history and results per quarter."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exam_app.extensions import db
from exam_app.models.base import Score, utcnow

SCORE_SOURCE_LABELS = {
    "auto": "自动评分",
    "review": "阅卷评分",
    "reconcile": "复核",
    "appeal": "申诉复核",
    "regrade": "更正答案重评",
}


class ScoreEvent(db.Model):
    """Every change of an item's score, with who and why; the item's score is the latest."""

    __tablename__ = "score_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_item_id: Mapped[int] = mapped_column(
        ForeignKey("attempt_items.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[Decimal] = mapped_column(Score())
    source: Mapped[str] = mapped_column(String(12))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor = relationship("User")


class QuarterResult(db.Model):
    """One released result in a person's staff file."""

    __tablename__ = "quarter_results"
    __table_args__ = (UniqueConstraint("attempt_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    quarter: Mapped[str] = mapped_column(String(6), index=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id"))
    paper_title: Mapped[str] = mapped_column(String(200))
    total: Mapped[Decimal] = mapped_column(Score())
    max_total: Mapped[Decimal] = mapped_column(Score())
    passed: Mapped[bool]
    sections: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # title, score, max
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    attempt = relationship("Attempt")
