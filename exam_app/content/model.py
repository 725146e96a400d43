"""What the content files parse into: plain frozen values, shared with the DB loader.

Nothing here knows about files or Markdown; checksums are computed from content only, so
moving an item to another file or line does not make it a new version.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from exam_app.grading.rubric import Level

KINDS = ("single", "multi", "tf", "fill", "essay")


def fmt_decimal(value: Decimal) -> str:
    """Plain, canonical text of a decimal: 1.50 -> "1.5", 100 -> "100", never "1E+2"."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def _digest(payload: dict[str, Any]) -> str:
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Option:
    label: str
    text: str
    correct: bool
    weight: Decimal | None = None  # fraction of the points; only for the "weighted" rule


@dataclass(frozen=True)
class Criterion:
    id: str
    title: str
    points: Decimal
    step: Decimal
    key_points: tuple[str, ...]
    # Marked by levels (评分档次): best first, from full marks down to 0; empty: free points.
    levels: tuple[Level, ...] = ()


def criterion_record(c: Criterion) -> dict[str, Any]:
    """A criterion as JSON-ready values: in checksums, bank rows and attempt snapshots.

    "levels" is there only when set, so criteria without levels keep the checksum (and the
    version) they had before levels existed."""
    record: dict[str, Any] = {
        "id": c.id,
        "title": c.title,
        "points": fmt_decimal(c.points),
        "step": fmt_decimal(c.step),
        "key_points": list(c.key_points),
    }
    if c.levels:
        record["levels"] = [
            {"label": lv.label, "points": fmt_decimal(lv.points), "description": lv.description}
            for lv in c.levels
        ]
    return record


@dataclass(frozen=True)
class QuestionSpec:
    id: str
    kind: str  # "single" | "multi" | "tf" | "fill" | "essay"
    topic: str
    difficulty: int
    points: Decimal
    stem: str  # Markdown; fill items keep their {{n}} markers
    options: tuple[Option, ...]
    key: dict  # the grader's answer key, JSON-serialisable
    rule: str | None
    explanation: str
    source: str
    tags: tuple[str, ...]
    rubric: tuple[Criterion, ...]
    reference_answer: str
    guidance: str
    case_id: str | None
    file: str
    line: int
    # Items of one exclusion group (互斥组) test the same thing: an attempt gets at most one.
    exclusion_group: str | None = None

    def canonical(self) -> dict[str, Any]:
        """The content fields as JSON-ready values (no file/line): what the checksum covers.

        The exclusion group is there only when set, so items without one keep the checksum
        (and the version) they had before groups existed."""
        group = {} if self.exclusion_group is None else {"exclusion_group": self.exclusion_group}
        return group | {
            "id": self.id,
            "kind": self.kind,
            "topic": self.topic,
            "difficulty": self.difficulty,
            "points": fmt_decimal(self.points),
            "stem": self.stem,
            "options": [
                {
                    "label": o.label,
                    "text": o.text,
                    "correct": o.correct,
                    "weight": None if o.weight is None else fmt_decimal(o.weight),
                }
                for o in self.options
            ],
            "key": self.key,
            "rule": self.rule,
            "explanation": self.explanation,
            "source": self.source,
            "tags": list(self.tags),
            "rubric": [criterion_record(c) for c in self.rubric],
            "reference_answer": self.reference_answer,
            "guidance": self.guidance,
            "case_id": self.case_id,
        }

    def checksum(self) -> str:
        return _digest(self.canonical())


@dataclass(frozen=True)
class CaseSpec:
    id: str
    title: str
    topic: str
    scenario: str
    basis: str
    source: str
    questions: tuple[QuestionSpec, ...]
    file: str
    line: int

    def checksum(self) -> str:
        # The case's own text plus its questions' checksums: editing a question re-versions
        # the case too, since reviewers see them together.
        return _digest(
            {
                "id": self.id,
                "title": self.title,
                "topic": self.topic,
                "scenario": self.scenario,
                "basis": self.basis,
                "source": self.source,
                "questions": [q.checksum() for q in self.questions],
            }
        )


@dataclass(frozen=True)
class ContentError:
    file: str
    line: int  # 1-based; 0 when the problem is the file as a whole
    message: str  # Chinese, for training leads

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass
class ContentSet:
    questions: list[QuestionSpec] = field(default_factory=list)  # question_bank/ only
    cases: list[CaseSpec] = field(default_factory=list)  # each with its own questions
    errors: list[ContentError] = field(default_factory=list)
    # Likely twins sharing no exclusion group (content/twins.py): `content check` fails on
    # them so they are caught when written; loading does not, since it is a heuristic.
    twins: list[ContentError] = field(default_factory=list)

    def counts(self) -> dict[str, Any]:
        """Bank questions by topic and kind; case questions are counted apart."""
        return {
            "questions": len(self.questions),
            "by_topic": dict(sorted(Counter(q.topic for q in self.questions).items())),
            "by_kind": {
                kind: n for kind in KINDS if (n := sum(1 for q in self.questions if q.kind == kind))
            },
            "cases": len(self.cases),
            "case_questions": sum(len(c.questions) for c in self.cases),
        }
