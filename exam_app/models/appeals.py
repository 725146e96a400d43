"""Appeals (申诉) against an item's grade or a service-quality record, and a lead's
corrections of an answer key."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exam_app.extensions import db
from exam_app.models.base import Score, utcnow

APPEAL_STATUS_LABELS = {"open": "处理中", "decided": "已决定"}
APPEAL_OUTCOME_LABELS = {"upheld": "维持原分", "changed": "改分"}
# A service-quality record's appeal: kept, changed to other points, or voided.
RECORD_OUTCOME_LABELS = {"upheld": "维持原记录", "changed": "改分", "voided": "撤销记录"}


class Appeal(db.Model):
    """A staff member's appeal, and its decision, of exactly one subject: a released item's
    score (attempt_item_id) or a service-quality record (quality_record_id).

    An item's decision is a ScoreEvent (source "appeal"); a record's decision voids or
    changes the record (or adds an adjustment once its month is confirmed). Old and new
    scores (a record's points) are kept here too so the appeal reads on its own.
    """

    __tablename__ = "appeals"
    __table_args__ = (
        CheckConstraint("status in ('open', 'decided')", name="status"),
        CheckConstraint(
            "outcome is null or outcome in ('upheld', 'changed', 'voided')", name="outcome"
        ),
        CheckConstraint(
            "(attempt_item_id is null) <> (quality_record_id is null)", name="one_subject"
        ),
        # One open appeal per item: a partial unique index, so later appeals stay possible.
        Index(
            "uq_appeals_open_item",
            "attempt_item_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
        Index(
            "uq_appeals_open_record",
            "quality_record_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
        Index("ix_appeals_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("attempt_items.id", ondelete="CASCADE"), index=True
    )
    quality_record_id: Mapped[int | None] = mapped_column(
        ForeignKey("quality_records.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)  # the appellant
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="open")
    filed_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline: Mapped[date]  # the last working day the appeal could be filed (shown with it)
    old_score: Mapped[Decimal] = mapped_column(Score())
    # Who re-reviews it: None until the lead assigns it (any eligible reviewer may take it).
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    outcome: Mapped[str | None] = mapped_column(String(10))
    new_score: Mapped[Decimal | None] = mapped_column(Score())
    # Essays: the re-reviewer's points per rubric criterion (criterion id -> points).
    criteria: Mapped[dict[str, str] | None] = mapped_column(JSON)
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]

    item = relationship("AttemptItem")
    record = relationship("QualityRecord")
    user = relationship("User", foreign_keys=[user_id])
    assignee = relationship("User", foreign_keys=[assignee_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])

    @property
    def status_label(self) -> str:
        return APPEAL_STATUS_LABELS[self.status]

    @property
    def on_record(self) -> bool:
        return self.quality_record_id is not None

    @property
    def outcome_label(self) -> str:
        labels = RECORD_OUTCOME_LABELS if self.on_record else APPEAL_OUTCOME_LABELS
        return labels.get(self.outcome or "", "")


class KeyCorrection(db.Model):
    """A lead's correction of an objective item's key on one paper (更正答案), applied to the
    snapshots of that paper's attempts; each changed score is a ScoreEvent (source "regrade")."""

    __tablename__ = "key_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    paper_id: Mapped[int] = mapped_column(ForeignKey("papers.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    old_key: Mapped[dict[str, Any]] = mapped_column(JSON)
    new_key: Mapped[dict[str, Any]] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text)
    lead_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    items_changed: Mapped[int]  # attempt items whose score changed
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    lead = relationship("User")
