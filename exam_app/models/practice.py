"""Practice by topic: each answer a person gives outside an exam, for feedback and the
wrong-answer book (错题本). Practice never touches the staff file."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exam_app.extensions import db
from exam_app.models.base import utcnow


class PracticeAnswer(db.Model):
    __tablename__ = "practice_answers"
    __table_args__ = (Index("ix_practice_answers_user_question", "user_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    response: Mapped[Any | None] = mapped_column(JSON)
    correct: Mapped[bool | None]  # None for essay items: the person compares themselves
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)

    question = relationship("Question", lazy="joined")
