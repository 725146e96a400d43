"""Marking work: the marks each answer needs, who holds them, and a paper's release decision."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exam_app.extensions import db
from exam_app.models.base import utcnow

MARK, ARBITRATION = "mark", "arbitration"
THIRD_SLOT, ARBITRATION_SLOT = 3, 4
SLOT_LABELS = {1: "一评", 2: "二评", 3: "三评", 4: "仲裁"}


class MarkingTask(db.Model):
    """One mark an answer needs: slot 1 (and 2 when double marked), 3 for a third marker,
    4 for the lead's arbitration.

    A reviewer holds a task by a claim that runs out at `expires_at` (None: assigned by the
    lead, it does not run out). Claiming and completing are conditional UPDATEs, so two
    people never hold or complete the same task.
    """

    __tablename__ = "marking_tasks"
    __table_args__ = (
        # Leading columns differ so the naming convention (uq_<table>_<column_0>) keeps the
        # two names apart.
        UniqueConstraint("slot", "attempt_item_id"),
        # One person, one mark per answer: what keeps double marking independent.
        UniqueConstraint("holder_id", "attempt_item_id"),
        CheckConstraint("kind in ('mark', 'arbitration')", name="kind"),
        CheckConstraint("status in ('open', 'done')", name="status"),
        Index("ix_marking_tasks_status_kind", "status", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_item_id: Mapped[int] = mapped_column(
        ForeignKey("attempt_items.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(12), default=MARK)
    slot: Mapped[int]
    status: Mapped[str] = mapped_column(String(8), default="open")
    holder_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    claimed_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None]

    holder = relationship("User", foreign_keys=[holder_id])
    item = relationship("AttemptItem")

    @property
    def slot_label(self) -> str:
        return SLOT_LABELS.get(self.slot, str(self.slot))

    def held_by_someone_else(self, user_id: int, now: datetime) -> bool:
        live = self.expires_at is None or self.expires_at >= now
        return self.holder_id is not None and self.holder_id != user_id and live


class ResultRelease(db.Model):
    """The lead's decision on a paper's results. Without a row the paper's release_policy
    applies: 'auto' releases each attempt once graded, 'manual' waits for the lead."""

    __tablename__ = "result_releases"
    __table_args__ = (CheckConstraint("state in ('released', 'held')", name="state"),)

    paper_id: Mapped[int] = mapped_column(
        ForeignKey("papers.id", ondelete="CASCADE"), primary_key=True
    )
    state: Mapped[str] = mapped_column(String(10))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")

    decided_by = relationship("User")
