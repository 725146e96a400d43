"""The written forms of a Chinese question bank (see word_text.py for the whole layout).

What each line may look like — section headings, item numbers, options, answer and 解析
lines, blanks, 判断 marks — and how an answer line is split into blanks and accepted forms.
Pure: no Flask, no database.
"""

from __future__ import annotations

import re
from decimal import Decimal

from .kinds import LABELS
from .lines import nfkc

KIND_WORDS = {
    "单项选择题": "single", "单选题": "single", "单项选择": "single", "单选": "single",
    "多项选择题": "multi", "多选题": "multi", "多项选择": "multi", "多选": "multi",
    "判断题": "tf", "是非题": "tf", "判断正误题": "tf", "判断": "tf",
    "填空题": "fill", "填空": "fill",
    "简答题": "essay", "问答题": "essay", "论述题": "essay", "简述题": "essay", "简答": "essay",
    "案例分析题": "case", "案例题": "case", "情景分析题": "case",
}  # fmt: skip
KIND_NAMES = {"single": "单选", "multi": "多选", "tf": "判断", "fill": "填空", "essay": "简答"}
CHOICE = ("single", "multi")

DIGIT = "0-9０-９"
SPACE = r"[\s\u3000]"
# 一、单项选择题（每题2分，共20分）  — the kind word ends in 题 or is a known short name.
HEADING_RE = re.compile(
    r"^[一二三四五六七八九十]{1,3}\s*[、.．]\s*([\u4e00-\u9fff]{1,10}?题)"
    r"\s*(?:$|[（(:：，,\s](.*)$)"
)
EACH_RE = re.compile(rf"每\s*(小?题|空)\s*([{DIGIT}]{{1,4}}(?:[.．][{DIGIT}]{{1,2}})?)\s*分")
NUMBER_RE = re.compile(
    rf"^(?:([{DIGIT}]{{1,3}})\s*([.．、]|[)）])(?![{DIGIT}])|[（(]\s*([{DIGIT}]{{1,3}})\s*[)）])\s*(.*)$"
)
LETTER = "A-HＡ-Ｈ"
OPTION_START_RE = re.compile(rf"^([{LETTER}])\s*[.．、)）]\s*")
# A further option on the same line: after a space or straight after Chinese text.
OPTION_MARK_RE = re.compile(
    rf"(?:(?<=[\s\u3000])|(?<=[\u4e00-\u9fff。，；！？”’）)]))([{LETTER}])\s*[.．、)）]"
)
ANSWER_WORDS = r"(?:正确答案|参考答案|标准答案|答案)"
EXPLAIN_WORDS = r"(?:答案解析|试题解析|解析)"
RUBRIC_WORDS = r"(?:评分标准|评分要点|评分细则)"  # 简答 and 案例 only: word_rubric.py
GUIDANCE_WORDS = r"(?:评分说明)"
_FIELDS = rf"{ANSWER_WORDS}|{EXPLAIN_WORDS}|{RUBRIC_WORDS}|{GUIDANCE_WORDS}"
FIELD_RE = re.compile(rf"^(?:【\s*({_FIELDS})\s*】\s*[:：]?|({_FIELDS})\s*[:：])\s*(.*)$")
INLINE_FIELD_RE = re.compile(
    rf"{SPACE}+(?=【\s*(?:{ANSWER_WORDS}|{EXPLAIN_WORDS})\s*】|(?:{ANSWER_WORDS}|{EXPLAIN_WORDS})\s*[:：])"
)
ITEM_POINTS_RE = re.compile(
    rf"[（(]\s*(?:本题\s*)?([{DIGIT}]{{1,4}}(?:[.．][{DIGIT}]{{1,2}})?)\s*分\s*[)）]\s*[。.]?$"
)
TRUE_WORDS = {"√", "✓", "✔", "对", "正确", "是", "T", "TRUE", "Y"}
FALSE_WORDS = {"×", "✗", "✘", "X", "错", "错误", "否", "F", "FALSE", "N"}
BLANK_RE = re.compile(r"[（(][\s\u3000\u00a0]*[)）]|[_＿]{2,}")
QUOTED_RE = re.compile(r"“([^”]*)”|\"([^\"]*)\"|「([^」]*)」")
BLANK_SEPARATORS = (r"\s*[；;]\s*", r"\s*[、，,]\s*", rf"{SPACE}+")
ALTERNATIVE_RE = re.compile(r"\s*[/／|｜]\s*")
INVISIBLE_RE = re.compile(r"[\u200b-\u200d\u2060\ufeff]")
TEXT_PHASES = ("stem", "explanation", "reference", "rubric", "guidance")


def excerpt(text: str, size: int = 16) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[:size] + "…"


def family(mark: str) -> str:
    """Numbering styles: 1. 1． 1、 are one family, 1） another, （1） a third."""
    return "dot" if mark in ".．、" else "close"


def next_letter(letter: str) -> str:
    index = LABELS.find(letter)
    return LABELS[index + 1] if 0 <= index < len(LABELS) - 1 else ""


def decimal_points(text: str) -> Decimal:
    return Decimal(nfkc(text).replace("．", "."))


def paragraphs(lines: list[tuple[int, str]]) -> str:
    """Word paragraphs as Markdown paragraphs; blank lines between them collapse."""
    return "\n\n".join(text for _, text in lines if text.strip())


def blank_answers(text: str, blanks: int) -> list[list[str]] | None:
    """The answer line split into blanks, each into its accepted forms (quotes keep a slash)."""
    quoted: list[str] = []

    def protect(match: re.Match) -> str:
        quoted.append(next(g for g in match.groups() if g is not None))
        return f"\x00{len(quoted) - 1}\x00"

    def restore(part: str) -> str:
        return re.sub(r"\x00(\d+)\x00", lambda m: quoted[int(m.group(1))], part).strip()

    text = QUOTED_RE.sub(protect, text.strip().rstrip("。"))
    parts = [text]
    if blanks > 1:
        for separator in BLANK_SEPARATORS:
            parts = [p for p in re.split(separator, text) if p.strip()]
            if len(parts) > 1:
                break
    if len(parts) != blanks:
        return None
    return [[restore(alt) for alt in ALTERNATIVE_RE.split(part)] for part in parts]
