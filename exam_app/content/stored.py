"""A QuestionSpec <-> the plain fields the bank stores (options apart from the key).

The database keeps options without their correctness (pages render them, the key stays
apart); these two functions are exact inverses, so the checksum of an item read back from
the bank equals the checksum of the file it was loaded from.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from exam_app.grading.rubric import Level

from .model import CaseSpec, Criterion, Option, QuestionSpec, criterion_record

QUESTION_FIELDS = (
    "kind", "topic", "difficulty", "points", "stem", "options", "key", "rule", "explanation",
    "source", "tags", "rubric", "reference_answer", "guidance", "exclusion_group",
)  # fmt: skip
CASE_FIELDS = ("title", "topic", "scenario", "basis", "source")


def stored_criterion(c: Criterion) -> dict[str, Any]:
    """As the bank has always stored it (points as str(Decimal)), plus levels when set."""
    record = criterion_record(c) | {"points": str(c.points), "step": str(c.step)}
    return record


def question_record(spec: QuestionSpec) -> dict[str, Any]:
    return {
        "kind": spec.kind,
        "topic": spec.topic,
        "difficulty": spec.difficulty,
        "points": spec.points,
        "stem": spec.stem,
        "options": [{"label": o.label, "text": o.text} for o in spec.options],
        "key": spec.key,
        "rule": spec.rule,
        "explanation": spec.explanation,
        "source": spec.source,
        "tags": list(spec.tags),
        "rubric": [stored_criterion(c) for c in spec.rubric],
        "reference_answer": spec.reference_answer,
        "guidance": spec.guidance,
        "exclusion_group": spec.exclusion_group,
    }


def question_from_record(
    uid: str, record: Mapping[str, Any], case_uid: str | None = None, file: str = "", line: int = 0
) -> QuestionSpec:
    key = dict(record["key"] or {})
    kind = record["kind"]
    correct = set(key.get("answers", [])) if kind == "multi" else {key.get("answer")}
    weights = key.get("weights") if kind == "multi" and record["rule"] == "weighted" else None
    options = tuple(
        Option(
            label=o["label"],
            text=o["text"],
            correct=o["label"] in correct,
            weight=None if weights is None else Decimal(str(weights.get(o["label"], "0"))),
        )
        for o in record["options"] or []
    )
    rubric = tuple(
        Criterion(
            id=c["id"],
            title=c["title"],
            points=Decimal(str(c["points"])),
            step=Decimal(str(c["step"])),
            key_points=tuple(c["key_points"]),
            levels=tuple(
                Level(lv["label"], Decimal(str(lv["points"])), lv.get("description", ""))
                for lv in c.get("levels") or ()
            ),
        )
        for c in record["rubric"] or []
    )
    return QuestionSpec(
        id=uid,
        kind=kind,
        topic=record["topic"],
        difficulty=int(record["difficulty"]),
        points=Decimal(str(record["points"])),
        stem=record["stem"],
        options=options,
        key=key,
        rule=record["rule"],
        explanation=record["explanation"] or "",
        source=record["source"] or "",
        tags=tuple(record["tags"] or ()),
        rubric=rubric,
        reference_answer=record["reference_answer"] or "",
        guidance=record["guidance"] or "",
        case_id=case_uid,
        file=file,
        line=line,
        exclusion_group=record.get("exclusion_group") or None,
    )


def case_record(spec: CaseSpec) -> dict[str, Any]:
    return {name: getattr(spec, name) for name in CASE_FIELDS}


def case_checksum(uid: str, record: Mapping[str, Any]) -> str:
    """The case's own text only: its questions are versioned (and conflict) one by one."""
    payload = {"id": uid, **{name: record[name] for name in CASE_FIELDS}}
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
