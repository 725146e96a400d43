"""Scoring of exam items: objective auto-grading, rubric totals, double marking, item analysis.

Pure standard library so that it can run anywhere (web workers, scripts, tests). The rules and
their worked examples are in shared/notes/grading-rules.md.
"""

from .double_marking import RECONCILE_RULES, Reconciliation, reconcile
from .errors import GradingError
from .item_analysis import ItemStats, item_statistics
from .outcome import Outcome
from .rubric import (
    Criterion,
    Level,
    RubricError,
    criteria_from_rubric,
    level_problems,
    rubric_total,
)
from .scoring import SCORERS, score_item, validate_key
from .text_normalisation import normalise
from .vocabulary import AUTO_KINDS, FILL_RULES, KIND_LABELS, MULTI_RULES

__all__ = [
    "AUTO_KINDS",
    "FILL_RULES",
    "KIND_LABELS",
    "MULTI_RULES",
    "RECONCILE_RULES",
    "SCORERS",
    "Criterion",
    "GradingError",
    "ItemStats",
    "Level",
    "Outcome",
    "Reconciliation",
    "RubricError",
    "criteria_from_rubric",
    "item_statistics",
    "level_problems",
    "normalise",
    "reconcile",
    "rubric_total",
    "score_item",
    "validate_key",
]
