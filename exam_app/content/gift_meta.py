"""What our GIFT export adds that Moodle cannot hold, read back: "// @exam-meta {json}" (points,
difficulty, source, rubrics with their levels, blanks, rules, the whole item when GIFT could
not carry it unchanged), "// @exam-case {json}" (gift.py reads the case), and Moodle's own
"// [id:…]" and "// [tag:…]". Moodle ignores these comment lines; gift_write.py writes them.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation

from exam_app.grading.rubric import Level

from .build import Draft, DraftCriterion, DraftOption

META = "@exam-meta"
CASE_META = "@exam-case"
ID_TAG_RE = re.compile(r"\[id:((?:\\\]|[^\]\x00-\x1f])+)\]")
TAG_RE = re.compile(r"\[tag:((?:\\\]|[^\]<>`\x00-\x1f])*)\]")


class MetaInvalid(ValueError):
    """A value of ours that cannot be read; the reader reports it at `line`."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line, self.message = line, message


def read_meta(comments: list[tuple[int, str]]) -> dict:
    """Our fields of one question, from its "// @exam-meta {json}" and "// [tag:…]" lines."""
    for n, text in comments:
        body = text[2:].strip()
        if body.startswith(META):
            try:
                meta = json.loads(body[len(META) :])
            except ValueError:
                raise MetaInvalid(n, f"{META} 后应为一行 JSON") from None
            if not isinstance(meta, dict):
                raise MetaInvalid(n, f"{META} 后应为 JSON 对象")
            return {"_line": n, **comment_tags(comments), **meta}
    return comment_tags(comments)


def comment_tags(comments: list[tuple[int, str]]) -> dict:
    tags = [t.replace("\\]", "]").strip() for _, c in comments for t in TAG_RE.findall(c)]
    return {"tags": [t for t in tags if t]} if any(tags) else {}


def comment_id(comments: list[tuple[int, str]]) -> str:
    for _, text in comments:
        if match := ID_TAG_RE.search(text):
            return match.group(1).replace("\\]", "]").strip()
    return ""


def apply_meta(draft: Draft, meta: dict, line: int) -> None:
    """Our own fields, from "// @exam-meta {…}"; a wrong value is an error at that line."""
    if not meta:
        return
    where = meta.get("_line", line)
    try:
        if "exact" in meta:
            _exact(draft, meta["exact"])
        if "kind" in meta and meta["kind"] == "fill" and draft.kind == "essay":
            draft.kind = "fill"
        for key in ("difficulty",):
            if key in meta:
                draft.difficulty = int(meta[key]) if str(meta[key]).isdigit() else None
        if "points" in meta:
            draft.points = Decimal(str(meta["points"]))
        for key in ("topic", "source", "reference_answer", "guidance"):
            if key in meta:
                setattr(draft, key, str(meta[key]))
        if "tags" in meta:
            draft.tags = tuple(str(t) for t in meta["tags"])
        if "case" in meta:
            draft.case_id = str(meta["case"])
        if "group" in meta:
            draft.exclusion_group = str(meta["group"])
        if "rule" in meta:
            draft.rule = str(meta["rule"])
            if draft.kind == "multi" and draft.rule != "weighted":
                for option in draft.options:
                    option.weight = None
        if "any_order" in meta:
            draft.any_order = bool(meta["any_order"])
        if "blanks" in meta:
            draft.blanks = [[(str(t), Decimal(str(w))) for t, w in b] for b in meta["blanks"]]
        if "step" in meta:
            draft.step = Decimal(str(meta["step"]))
        if "rubric" in meta:
            draft.rubric = [
                DraftCriterion(
                    str(t),
                    Decimal(str(p)),
                    tuple(str(k) for k in keys),
                    tuple(
                        Level(str(label), Decimal(str(points)), str(description))
                        for label, points, description in (levels[0] if levels else ())
                    ),
                )
                for t, p, keys, *levels in meta["rubric"]
            ]
    except (TypeError, ValueError, InvalidOperation, KeyError):
        raise MetaInvalid(where, f"{META} 中的值无效") from None


def _exact(draft: Draft, exact: dict) -> None:
    """The whole item, written when GIFT itself could not carry it unchanged."""
    draft.kind = str(exact["kind"])
    draft.topic = str(exact["topic"])
    draft.stem = str(exact["stem"])
    draft.explanation = str(exact["explanation"])
    draft.options = [
        DraftOption(
            str(o["text"]),
            bool(o["correct"]),
            None if o["weight"] is None else Decimal(str(o["weight"])),
        )
        for o in exact["options"]
    ]
    key = exact["key"]
    draft.answer = key.get("answer") if draft.kind == "tf" else None
    draft.blanks = [[(str(t), Decimal(str(w))) for t, w in b] for b in key.get("blanks", [])]
    draft.any_order = bool(key.get("any_order", False))
