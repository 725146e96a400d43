"""Attempts: one person's sitting of one paper, with its drawn items frozen."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
)
from sqlalchemy import false as sa_false
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exam_app.extensions import db
from exam_app.models.base import Score, utcnow

ATTEMPT_STATUS_LABELS = {
    "prepared": "已备卷",  # drawn before the window opened, not started (services/preparing.py)
    "in_progress": "作答中",
    "submitted": "待阅卷",
    "graded": "已评分",
    "released": "已发布成绩",
}


class Attempt(db.Model):
    __tablename__ = "attempts"
    __table_args__ = (
        UniqueConstraint("paper_id", "user_id", "number"),
        CheckConstraint(
            "status in ('prepared', 'in_progress', 'submitted', 'graded', 'released')",
            name="status",
        ),
        # A prepared attempt belongs to nobody until its person starts it (user_id is set
        # then): every query by person, and every join to users, passes it by.
        CheckConstraint(
            "(status = 'prepared') = (user_id IS NULL AND reserved_for_id IS NOT NULL)",
            name="prepared_is_reserved",
        ),
        Index("ix_attempts_prepared", "paper_id", "reserved_for_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    paper_id: Mapped[int] = mapped_column(ForeignKey("papers.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # Prepared attempts: whom this one was drawn for, and what the paper and its items were
    # (a fingerprint), so a paper or item changed before opening is prepared again.
    reserved_for_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    prepared_from: Mapped[str | None] = mapped_column(String(40))
    number: Mapped[int] = mapped_column(default=1, server_default="1")  # 1st, 2nd … sitting
    candidate_code: Mapped[str] = mapped_column(String(12), unique=True)  # what reviewers see
    status: Mapped[str] = mapped_column(String(12), default="in_progress")
    seed: Mapped[int]  # the draw is reproducible from it (with draw_log)
    # What the draw saw: per draw section, the pool's ids and how often each had been used.
    draw_log: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    # The paper's sections as they were at the start: title, mode, choose_count, max.
    sections: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    tab_switches: Mapped[int] = mapped_column(default=0, server_default="0")
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
    user = relationship("User", lazy="joined", foreign_keys=[user_id])
    items: Mapped[list[AttemptItem]] = relationship(
        back_populates="attempt", order_by="AttemptItem.position", cascade="all, delete-orphan"
    )

    @property
    def status_label(self) -> str:
        return ATTEMPT_STATUS_LABELS[self.status]


class AttemptItem(db.Model):
    __tablename__ = "attempt_items"
    __table_args__ = (
        UniqueConstraint("attempt_id", "position"),
        Index("ix_attempt_items_question_id", "question_id"),  # usage counts of the draw
        # PostgreSQL: room in each page, so a save or a score rewrites the row in place
        # (a HOT update, no index entries); migration d7e2f4a9c1b3 says why.
        {"postgresql_with": {"fillfactor": 50}},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"))
    position: Mapped[int]  # 1-based order shown to the candidate
    section_position: Mapped[int]
    section_title: Mapped[str] = mapped_column(String(200))
    question_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id"))
    kind: Mapped[str] = mapped_column(String(10))
    points: Mapped[Decimal] = mapped_column(Score())
    # The item as frozen at the draw (stem, options, key, rule, rubric …), shared by every
    # attempt that drew the same content: a row here stays ~100 bytes, so scoring 100 items
    # rewrites a few pages, not the 150 KB that snapshots in each row made it.
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("item_snapshots.id"), index=True)
    # A digest of what the candidate sees of the snapshot (stem, options, case; never the
    # key): the attempt page's rendered parts are cached by it (exams/question_parts.py).
    display_key: Mapped[str | None] = mapped_column(String(40))
    response: Mapped[Any | None] = mapped_column(JSON)
    # Client-chosen, increasing (ms clock): a stale save never overwrites a newer one.
    save_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    saved_at: Mapped[datetime | None]
    # Derived from the score history (ScoreEvent); kept here so pages need no aggregation.
    score: Mapped[Decimal | None] = mapped_column(Score())
    needs_review: Mapped[bool] = mapped_column(default=False)
    flagged: Mapped[bool] = mapped_column(default=False, server_default=sa_false())  # 标记
    # Display order of the options (original labels) when options are shuffled.
    option_order: Mapped[list[str] | None] = mapped_column(JSON)
    # In a choice section only the first answered items count; the rest are not scored.
    counted: Mapped[bool] = mapped_column(default=True, server_default=sa_true())

    attempt: Mapped[Attempt] = relationship(back_populates="items")
    snapshot_row: Mapped[ItemSnapshot] = relationship(lazy="joined", innerjoin=True)

    @property
    def snapshot(self) -> dict[str, Any]:
        """Read-only: a snapshot is shared; change it by assigning a new one."""
        return self.snapshot_row.content

    @snapshot.setter
    def snapshot(self, content: dict[str, Any]) -> None:
        from exam_app.services.item_snapshots import snapshot_for  # get or create by content

        self.snapshot_row = snapshot_for(content)


class ItemSnapshot(db.Model):
    """An item frozen as drawn, by the digest of its content; never changed once stored (a
    key correction stores another and points the corrected items at it)."""

    __tablename__ = "item_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    digest: Mapped[str] = mapped_column(String(40), unique=True)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)


class AttemptEvent(db.Model):
    """Things the lead may want to know about a sitting: leaving the page, coming back."""

    __tablename__ = "attempt_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("attempts.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))  # "left_page" | "auto_submitted_tabs"
    at: Mapped[datetime] = mapped_column(default=utcnow)
