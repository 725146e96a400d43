"""The question bank and the case library, as loaded from question_bank/ and cases/.

A question's content is versioned by checksum: attempts snapshot what they drew, so
an edit here never reaches a started attempt.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exam_app.extensions import db
from exam_app.models.base import Score, utcnow


class Case(db.Model):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(80), unique=True)  # stable id from the file
    title: Mapped[str] = mapped_column(String(200))
    topic: Mapped[str] = mapped_column(String(100), index=True)
    scenario: Mapped[str] = mapped_column(Text)
    basis: Mapped[str] = mapped_column(Text, default="")  # the rules the case rests on
    source: Mapped[str] = mapped_column(String(300), default="")
    checksum: Mapped[str] = mapped_column(String(64))  # of the current (app) content
    # Of what was last loaded from cases/: a reload updates only what the file changed.
    source_checksum: Mapped[str | None] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(default=1)
    origin: Mapped[str] = mapped_column(String(300), default="")  # file it came from
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    questions: Mapped[list[Question]] = relationship(back_populates="case")


class Question(db.Model):
    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(10), index=True)  # single multi tf fill essay
    topic: Mapped[str] = mapped_column(String(100), index=True)
    difficulty: Mapped[int] = mapped_column(default=3)
    points: Mapped[Decimal] = mapped_column(Score())
    stem: Mapped[str] = mapped_column(Text)
    options: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    key: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    rule: Mapped[str | None] = mapped_column(String(20))
    explanation: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(300), default="")
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    rubric: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    reference_answer: Mapped[str] = mapped_column(Text, default="")
    guidance: Mapped[str] = mapped_column(Text, default="")
    # 互斥组: a draw gives an attempt at most one item of a group (services/drawing.py). A
    # column, like every other content field here; the version rows keep it in `content`.
    exclusion_group: Mapped[str | None] = mapped_column(String(40))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    status: Mapped[str] = mapped_column(String(10), default="reviewed")  # draft | reviewed
    checksum: Mapped[str] = mapped_column(String(64))  # of the current (app) content
    # Of what was last loaded from question_bank/ or cases/ (None: made in the app or
    # imported); an app edit is kept when the file changed too (a sync conflict).
    source_checksum: Mapped[str | None] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(default=1)
    origin: Mapped[str] = mapped_column(String(300), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    case: Mapped[Case | None] = relationship(back_populates="questions")

    def snapshot(self) -> dict[str, Any]:
        """Everything an attempt needs to show and grade this item, frozen."""
        return {
            "uid": self.uid,
            "version": self.version,
            "kind": self.kind,
            "topic": self.topic,
            "stem": self.stem,
            "options": self.options,
            "key": self.key,
            "rule": self.rule,
            "explanation": self.explanation,
            "source": self.source,
            "rubric": self.rubric,
            "reference_answer": self.reference_answer,
            "guidance": self.guidance,
            "case_title": self.case.title if self.case else None,
            "case_scenario": self.case.scenario if self.case else None,
            "case_basis": self.case.basis if self.case else None,
        }
