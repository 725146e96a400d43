"""Answers written inside the stem's brackets: ``额定频率为（ B ）Hz。`` ``（ AC ）`` ``……。（√）``.

Only a bracket that can be nothing but an answer counts: for 单选 one option letter, for 多选
two or more distinct letters, all among the item's options; for 判断 √ × 对 错 正确 错误 at
the start or the end of the stem. Anything else in brackets (（单位：元）, （  ）, （A类）)
is stem text. The reader decides what happens when several brackets qualify (an error).
Pure: no Flask, no database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lines import nfkc

LETTER_BRACKET_RE = re.compile(
    r"[（(][\s\u3000]*([A-HＡ-Ｈ](?:[\s\u3000、，,]*[A-HＡ-Ｈ])*)[\s\u3000]*[)）]"
)
TF_MARK = r"(√|✓|✔|×|✗|✘|[xX]|对|错|正确|错误)"
TF_AT_END_RE = re.compile(rf"[（(]\s*{TF_MARK}\s*[)）]\s*[。.]?$")
TF_AT_START_RE = re.compile(rf"^[（(]\s*{TF_MARK}\s*[)）]\s*")
BLANK = "（　）"  # what the answer's bracket becomes: the blank candidates fill


@dataclass(frozen=True)
class Bracket:
    index: int  # which stem line
    start: int
    end: int
    letters: str  # sorted, e.g. "AC"


def letters_of(text: str) -> str:
    """Answer letters in a canonical order: "C、A" -> "AC"."""
    return "".join(sorted(re.sub(r"[\s\u3000,，、;；]", "", nfkc(text).upper())))


def answer_brackets(stem: list[str], labels: str, multi: bool) -> list[Bracket]:
    """Brackets in the stem lines that hold an answer valid for the item's options."""
    found = []
    for index, text in enumerate(stem):
        for match in LETTER_BRACKET_RE.finditer(text):
            letters = letters_of(match.group(1))
            if (
                all(c in labels for c in letters)
                and len(set(letters)) == len(letters)
                and (len(letters) >= 2 if multi else len(letters) == 1)
            ):
                found.append(Bracket(index, match.start(), match.end(), letters))
    return found


def blank_out(stem: list[str], brackets: list[Bracket]) -> list[str]:
    """The stem lines with each answer bracket replaced by an empty one."""
    lines = list(stem)
    for b in sorted(brackets, key=lambda b: (b.index, -b.start)):
        text = lines[b.index]
        lines[b.index] = text[: b.start] + BLANK + text[b.end :]
    return lines


def tf_bracket(stem: list[str]) -> tuple[int, re.Match] | None:
    """A 判断 mark in brackets ending the last stem line or starting the first."""
    if not stem:
        return None
    if match := TF_AT_END_RE.search(stem[-1]):
        return len(stem) - 1, match
    if match := TF_AT_START_RE.match(stem[0]):
        return 0, match
    return None
