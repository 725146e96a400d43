"""What one line adds to the section or item it belongs to, once the reader (word_text.py)
has decided where it belongs: a section from its heading, an item's options, its 评分标准 /
评分说明, a line of its text. Each returns what is wrong with the line (a message for the
reader to report by line) or None.

Pure: no Flask, no database.
"""

from __future__ import annotations

import re

from .kinds import LABELS
from .lines import nfkc
from .word_items import Item, Section
from .word_keys import ORDINAL_RE
from .word_layouts import (
    EACH_RE,
    GUIDANCE_WORDS,
    KIND_WORDS,
    OPTION_MARK_RE,
    OPTION_START_RE,
    decimal_points,
    next_letter,
)


def section_of(number: int, text: str, match: re.Match) -> tuple[Section, str | None]:
    """The section a heading starts (its kind and points each), and what is wrong with it:
    a kind not known gives a section without a kind, so its items are reported once."""
    word, rest = match.group(1), match.group(2) or ""
    kind = KIND_WORDS.get(word)
    ordinal = ORDINAL_RE.match(text).group(1)
    if kind is None:
        known = "、".join(w for w in KIND_WORDS if w.endswith("题"))
        return (Section(None, None, None, number, ordinal, text),
                f"大题题型“{word}”无法识别：可用 {known}")  # fmt: skip
    points = per_blank = None
    for unit, value in EACH_RE.findall(rest):
        amount = decimal_points(value)
        if unit == "空":
            per_blank = amount
        else:
            points = amount
    section = Section("essay" if kind == "case" else kind, points, per_blank, number, ordinal,
                      text, case=kind == "case")  # fmt: skip
    return section, None


def add_options(item: Item, number: int, text: str) -> str | None:
    """A line of options, one or several ("A．…  B．…"), lettered on from A without gaps."""
    item.phase = "options"
    marks = [(0, OPTION_START_RE.match(text))]
    expected = next_letter(nfkc(marks[0][1].group(1)))
    for mark in OPTION_MARK_RE.finditer(text, marks[0][1].end()):
        if nfkc(mark.group(1)) == expected:
            marks.append((mark.start(), mark))
            expected = next_letter(expected)
    for n, (_start, mark) in enumerate(marks):
        end = marks[n + 1][0] if n + 1 < len(marks) else len(text)
        letter = nfkc(mark.group(1))
        want = LABELS[len(item.options)]
        if letter != want:
            return f"选项字母应为 {want}（选项从 A 起依次编号）"
        body = text[mark.end() : end].strip(" \t\u3000")
        item.options.append((number, letter, body))
    return None


def add_rubric_field(item: Item, number: int, label: str, rest: str) -> str | None:
    """评分标准 / 评分说明: the lines below belong to it until the next part or item."""
    guidance = bool(re.fullmatch(GUIDANCE_WORDS, label))
    if item.kind != "essay":
        return f"只有简答题和案例题才写“{label}”"
    if item.guidance if guidance else item.rubric_line:
        return f"“{label}”重复：一道题只写一次"
    item.phase = "guidance" if guidance else "rubric"
    if not guidance:
        item.rubric_line = number
    if rest:
        item.block().append((number, rest))
    return None


def keep(item: Item, number: int, text: str, indented: bool) -> None:
    """A line of an item's text block; a rubric's indented lines (levels) keep their indent."""
    indent = "  " if item.phase == "rubric" and indented else ""
    item.block().append((number, indent + text))


def block_name(item: Item) -> str:
    """The item's text block being read, as the errors name it."""
    names = {"stem": "题干", "explanation": "解析", "rubric": "评分标准", "guidance": "评分说明"}
    return names.get(item.phase, "参考答案")
