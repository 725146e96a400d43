"""What a page may show of an attempt item.

The candidate view is built field by field from the snapshot, so a key, rubric or
reference answer can reach the attempt page only by being added here on purpose.
With shuffled options each candidate sees letters A, B, C… in their own order; the
stored response keeps the bank's labels, so grading never depends on the shuffle.
"""

from __future__ import annotations

from typing import Any

from exam_app.grading import KIND_LABELS
from exam_app.models import AttemptItem
from exam_app.services.responses import blank_count


def displayed_options(item: AttemptItem) -> list[dict[str, str]]:
    by_label = {o["label"]: o for o in item.snapshot.get("options", [])}
    order = item.option_order or list(by_label)
    return [
        {"letter": chr(ord("A") + n), "label": label, "text": by_label[label]["text"]}
        for n, label in enumerate(order)
    ]


def _letters(item: AttemptItem) -> dict[str, str]:
    return {o["label"]: o["letter"] for o in displayed_options(item)}


def candidate_view(item: AttemptItem) -> dict[str, Any]:
    snap = item.snapshot
    return {
        "position": item.position,
        "section_position": item.section_position,
        "section_title": item.section_title,
        "kind": item.kind,
        "kind_label": KIND_LABELS[item.kind],
        "points": item.points,
        "stem": snap["stem"],
        "options": displayed_options(item),
        "blanks": blank_count(snap),
        "case_title": snap.get("case_title"),
        "case_scenario": snap.get("case_scenario"),
        "response": item.response,
        "save_seq": item.save_seq,
        "flagged": item.flagged,
        "counted": item.counted,
    }


def describe_key(item: AttemptItem) -> str:
    """The correct answer in words, in the letters this candidate saw (released results)."""
    snap = item.snapshot
    key, kind, letters = snap.get("key", {}), snap["kind"], _letters(item)
    if kind == "single":
        return letters.get(key.get("answer", ""), "")
    if kind == "multi":
        return "、".join(sorted(letters[a] for a in key.get("answers", []) if a in letters))
    if kind == "tf":
        return "正确" if key.get("answer") else "错误"
    if kind == "fill":
        return "；".join(
            f"第{n}空：" + " / ".join(text for text, _weight in alternatives)
            for n, alternatives in enumerate(key.get("blanks", []), start=1)
        )
    return ""


def describe_response(item: AttemptItem) -> str:
    kind, response, letters = item.kind, item.response, _letters(item)
    if response in (None, "", []):
        return "（未作答）"
    if kind == "single":
        return letters.get(response, response)
    if kind == "multi":
        return "、".join(sorted(letters.get(r, r) for r in response))
    if kind == "tf":
        return "正确" if response else "错误"
    if kind == "fill":
        return "；".join(f"第{n}空：{text or '（空）'}" for n, text in enumerate(response, 1))
    return str(response)
