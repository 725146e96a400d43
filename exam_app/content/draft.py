"""An item as typed, field by field, before content/build.py checks it: what every front end
(Excel, GIFT, Aiken, Word, the edit form) fills in, and the problems found in it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from exam_app.grading.rubric import Level

MAX_POINTS = Decimal("9999.99")
# Control characters other than tab and newline break Excel and XML; refuse them at the door.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Problem:
    field: str  # the Excel column / form field it is about, e.g. "答案"
    message: str  # Chinese
    warning: bool = False  # imported as a draft, but cannot be marked reviewed


@dataclass
class DraftOption:
    text: str
    correct: bool
    weight: Decimal | None = None  # fraction; only for the weighted rule


class DraftCriterion(NamedTuple):
    """A rubric criterion as typed: levels (评分档次) best first, or none for free points."""

    title: str
    points: Decimal | None
    key_points: tuple[str, ...]
    levels: tuple[Level, ...] = ()


@dataclass
class Draft:
    """An item as separate fields; everything optional so that partial input can be checked."""

    id: str = ""
    kind: str = ""
    topic: str = ""
    difficulty: int | None = 3
    points: Decimal | None = None
    stem: str = ""
    options: list[DraftOption] = field(default_factory=list)
    answer: bool | None = None  # 判断
    blanks: list[list[tuple[str, Decimal]]] = field(default_factory=list)  # 填空
    any_order: bool = False
    rule: str | None = None
    explanation: str = ""
    source: str = ""
    tags: tuple[str, ...] = ()
    rubric: list[DraftCriterion] = field(default_factory=list)
    step: Decimal | None = None
    reference_answer: str = ""
    guidance: str = ""
    case_id: str | None = None
    exclusion_group: str = ""  # 互斥组; empty: none


def points_ok(value) -> bool:
    """Points as typed: positive, at most two decimals, within what a score column holds."""
    return (
        isinstance(value, Decimal)
        and value.is_finite()
        and 0 < value <= MAX_POINTS
        and value == value.quantize(Decimal("0.01"))
    )
