"""Reviews: a reviewer's marks per rubric criterion for one essay answer."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Text, UniqueConstraint
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exam_app.extensions import db
from exam_app.models.base import Score, utcnow


class Review(db.Model):
    """Every mark is kept: the first and second marker, a third, the lead's arbitration."""

    __tablename__ = "reviews"
    # A reviewer marks an answer once; a second marker is a second row.
    __table_args__ = (UniqueConstraint("attempt_item_id", "reviewer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_item_id: Mapped[int] = mapped_column(
        ForeignKey("attempt_items.id", ondelete="CASCADE"), index=True
    )
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The marking task this review completed (its slot says first, second, third or arbitration).
    task_id: Mapped[int | None] = mapped_column(
        ForeignKey("marking_tasks.id", ondelete="SET NULL"), unique=True
    )
    criteria: Mapped[dict[str, str]] = mapped_column(JSON)  # criterion id -> points (text)
    total: Mapped[Decimal] = mapped_column(Score())
    comment: Mapped[str] = mapped_column(Text, default="")
    # The item's final score rests on it; only counted reviews are shown to the candidate.
    counted: Mapped[bool] = mapped_column(default=True, server_default=sa_true())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    reviewer = relationship("User")
    item = relationship("AttemptItem")
    task = relationship("MarkingTask")
