"""Typed SQLAlchemy 2.0 models, one module per aggregate."""

from exam_app.models.attempts import Attempt, AttemptItem
from exam_app.models.bank import Case, Question
from exam_app.models.papers import Paper, Section, SectionItem
from exam_app.models.people import Department, Role, User, UserRole
from exam_app.models.records import QuarterResult, ScoreEvent
from exam_app.models.reviews import Review

__all__ = [
    "Attempt",
    "AttemptItem",
    "Case",
    "Department",
    "Paper",
    "QuarterResult",
    "Question",
    "Review",
    "Role",
    "ScoreEvent",
    "Section",
    "SectionItem",
    "User",
    "UserRole",
]
