"""What a page may show of an attempt item.

The candidate view is built field by field from the snapshot, so a key, rubric or
reference answer can reach the attempt page only by being added here on purpose.
"""

from __future__ import annotations

from typing import Any

from exam_app.grading import KIND_LABELS
from exam_app.models import AttemptItem
from exam_app.services.responses import blank_count


def candidate_view(item: AttemptItem) -> dict[str, Any]:
    snap = item.snapshot
    return {
        "position": item.position,
        "section_title": item.section_title,
        "kind": item.kind,
        "kind_label": KIND_LABELS[item.kind],
        "points": item.points,
        "stem": snap["stem"],
        "options": [{"label": o["label"], "text": o["text"]} for o in snap.get("options", [])],
        "blanks": blank_count(snap),
        "case_title": snap.get("case_title"),
        "case_scenario": snap.get("case_scenario"),
        "response": item.response,
        "save_seq": item.save_seq,
    }


def describe_key(snapshot: dict[str, Any]) -> str:
    """The correct answer in words, for released results."""
    key, kind = snapshot.get("key", {}), snapshot["kind"]
    if kind == "single":
        return key.get("answer", "")
    if kind == "multi":
        return "、".join(key.get("answers", []))
    if kind == "tf":
        return "正确" if key.get("answer") else "错误"
    if kind == "fill":
        return "；".join(
            f"第{n}空：" + " / ".join(text for text, _weight in alternatives)
            for n, alternatives in enumerate(key.get("blanks", []), start=1)
        )
    return ""


def describe_response(kind: str, response: Any) -> str:
    if response in (None, "", []):
        return "（未作答）"
    if kind == "multi":
        return "、".join(response)
    if kind == "tf":
        return "正确" if response else "错误"
    if kind == "fill":
        return "；".join(f"第{n}空：{text or '（空）'}" for n, text in enumerate(response, 1))
    return str(response)
