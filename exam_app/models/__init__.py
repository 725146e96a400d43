"""Typed SQLAlchemy 2.0 models, one module per aggregate."""

from exam_app.models.api_tokens import ApiToken
from exam_app.models.appeals import Appeal, KeyCorrection
from exam_app.models.attempts import Attempt, AttemptEvent, AttemptItem, ItemSnapshot
from exam_app.models.bank import Case, Question
from exam_app.models.bank_versions import BankImport, CaseVersion, QuestionVersion
from exam_app.models.marking import MarkingTask, ResultRelease
from exam_app.models.papers import Paper, PaperAudience, Section, SectionItem
from exam_app.models.people import Department, Role, User, UserRole
from exam_app.models.practice import PracticeAnswer
from exam_app.models.quality import (
    QualityEvent,
    QualityMonth,
    QualityRating,
    QualityRecord,
    QualityRules,
    QualityStandard,
    QuarterWeights,
)
from exam_app.models.records import QuarterResult, ScoreEvent
from exam_app.models.reviews import Review
from exam_app.models.sign_in import LoginFailure, LoginSession  # noqa: F401

__all__ = [
    "Appeal",
    "ApiToken",
    "Attempt",
    "AttemptEvent",
    "AttemptItem",
    "ItemSnapshot",
    "BankImport",
    "Case",
    "CaseVersion",
    "Department",
    "KeyCorrection",
    "MarkingTask",
    "Paper",
    "PaperAudience",
    "PracticeAnswer",
    "QualityEvent",
    "QualityMonth",
    "QualityRating",
    "QualityRecord",
    "QualityRules",
    "QualityStandard",
    "QuarterResult",
    "QuarterWeights",
    "Question",
    "QuestionVersion",
    "ResultRelease",
    "Review",
    "Role",
    "ScoreEvent",
    "Section",
    "SectionItem",
    "User",
    "UserRole",
]
