"""What a page may show of an attempt item.

The candidate view is built field by field from what is shown of the snapshot
(services/attempt_page.candidate_view, which the attempt page uses too), so a key, rubric
or reference answer can reach a candidate's page only by being added there on purpose.
With shuffled options each candidate sees letters A, B, C… in their own order; the
stored response keeps the bank's labels, so grading never depends on the shuffle.
"""

from __future__ import annotations

from typing import Any

from exam_app.content.display import display_parts
from exam_app.models import AttemptItem
from exam_app.services import attempt_page
from exam_app.services.attempt_page import shown_options


def displayed_options(item: AttemptItem) -> list[dict[str, str]]:
    return shown_options(display_parts(item.snapshot), item.option_order)


def _letters(item: AttemptItem) -> dict[str, str]:
    return {o["label"]: o["letter"] for o in displayed_options(item)}


def candidate_view(item: AttemptItem) -> dict[str, Any]:
    return attempt_page.candidate_view(item, display_parts(item.snapshot))


def describe_key(item: AttemptItem) -> str:
    """The correct answer in words, in the letters this candidate saw (released results)."""
    snap = item.snapshot
    return key_in_letters(snap["kind"], snap.get("key", {}), _letters(item))


def key_in_letters(kind: str, key: dict, letters: dict[str, str]) -> str:
    """A key in words; `letters`: the bank's option label -> the letter the candidate saw."""
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


def describe_response(item: AttemptItem, letters: dict[str, str] | None = None) -> str:
    """What the candidate answered, in the letters they saw (`letters`: the bank's label ->
    the shown letter, when the caller has it already)."""
    kind, response = item.kind, item.response
    letters = _letters(item) if letters is None else letters
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
