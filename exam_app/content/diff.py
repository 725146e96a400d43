"""Readable differences between two versions of an item, field by field, in Chinese."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .excel import RULE_LABELS
from .model import fmt_decimal
from .question import KIND_LABEL


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str
    lines: tuple[tuple[str, str], ...]  # ("-"|"+"|" ", text) for multi-line fields


def _percent(value: str | None) -> str:
    return "" if value is None else f"（{fmt_decimal(Decimal(value) * 100)}%）"


def question_fields(c: dict[str, Any]) -> dict[str, str]:
    """A version's content (QuestionSpec.canonical()) as labelled plain text."""
    key = c.get("key") or {}
    fields = {
        "题型": KIND_LABEL.get(c.get("kind", ""), c.get("kind", "")),
        "知识点": c.get("topic", ""),
        "难度": str(c.get("difficulty", "")),
        "分值": c.get("points", ""),
        "题干": c.get("stem", ""),
        "选项": "\n".join(
            f"{o['label']}. {o['text']}{' ✓' if o['correct'] else ''}{_percent(o.get('weight'))}"
            for o in c.get("options", [])
        ),
        "答案": "",
        "评分": RULE_LABELS.get(c.get("rule") or "", ""),
        "解析": c.get("explanation", ""),
        "出处": c.get("source", ""),
        "标签": "、".join(c.get("tags", [])),
        "互斥组": c.get("exclusion_group") or "",
        "评分标准": "\n".join(
            f"{r['title']}（{r['points']} 分，步长 {r['step']}）：{'；'.join(r['key_points'])}"
            + "".join(
                f"\n  · {lv['label']}（{lv['points']} 分）：{lv['description']}"
                for lv in r.get("levels") or ()
            )
            for r in c.get("rubric", [])
        ),
        "参考答案": c.get("reference_answer", ""),
        "评分说明": c.get("guidance", ""),
        "案例": c.get("case_id") or "",
    }
    if c.get("kind") == "tf":
        fields["答案"] = "正确" if key.get("answer") else "错误"
    elif c.get("kind") == "fill":
        fields["答案"] = "\n".join(
            f"第 {n} 空：" + " | ".join(f"{t}{_percent(w) if w != '1' else ''}" for t, w in blank)
            for n, blank in enumerate(key.get("blanks", []), start=1)
        ) + ("\n（各空顺序不限）" if key.get("any_order") else "")
    return fields


def case_fields(c: dict[str, Any]) -> dict[str, str]:
    names = {
        "title": "标题",
        "topic": "知识点",
        "source": "出处",
        "scenario": "情景",
        "basis": "依据",
    }
    return {label: str(c.get(name, "")) for name, label in names.items()}


def diff(old: dict[str, str], new: dict[str, str]) -> list[Change]:
    changes = []
    for label, after in new.items():
        before = old.get(label, "")
        if before == after:
            continue
        lines: tuple[tuple[str, str], ...] = ()
        if "\n" in before or "\n" in after:
            lines = tuple(
                (d[0], d[2:])
                for d in difflib.ndiff(before.split("\n"), after.split("\n"))
                if d[0] in "+- "
            )
        changes.append(Change(label, before, after, lines))
    return changes
