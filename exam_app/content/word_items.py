"""A bank item as the Word/text reader (word_text.py) gathers it, and how it becomes a draft:
its points, its answer (after the options, in the stem's brackets or from an answer key),
its blanks, its rubric, and every way it can be wrong, each reported once by line.

Pure: no Flask, no database.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from .build import Draft, DraftOption
from .imported import PLACEHOLDER_ID
from .lines import nfkc
from .model import fmt_decimal
from .word_brackets import BLANK, answer_brackets, blank_out, letters_of, tf_bracket
from .word_cases import WordCase
from .word_layouts import (
    BLANK_RE,
    CHOICE,
    FALSE_WORDS,
    ITEM_POINTS_RE,
    TRUE_WORDS,
    blank_answers,
    decimal_points,
    excerpt,
    paragraphs,
)
from .word_rubric import read_rubric

Report = Callable[[int, str], None]  # (line, message): one error of the import


@dataclass
class Section:
    kind: str | None  # None: the heading was not understood (already reported)
    points: Decimal | None
    per_blank: Decimal | None
    line: int
    ordinal: str = ""  # 一 二 三: how an answer key names it
    title: str = ""  # its heading, for messages
    items: dict[int, Item] = field(default_factory=dict)  # by number, for the answer key
    repeated: set[int] = field(default_factory=set)  # numbers written twice: no key entry
    case: bool = False  # 案例分析题: its items are the questions of the cases under it


@dataclass
class Item:
    number: int
    family: str
    line: int
    head: str  # the first characters of its first line, for messages
    section: Section | None
    stem: list[tuple[int, str]] = field(default_factory=list)
    options: list[tuple[int, str, str]] = field(default_factory=list)
    answer: tuple[int, str] | None = None
    explanation: list[tuple[int, str]] = field(default_factory=list)
    reference: list[tuple[int, str]] = field(default_factory=list)
    phase: str = "stem"  # stem | options | answer | explanation | reference
    # The text block's own list (family, next number): "（1）… （2）…" inside a stem or answer.
    block_list: tuple[str, int] | None = None
    bad: bool = False  # an error was reported: no follow-on errors for it
    keyed: tuple[int, str] | None = None  # (line, answer) from an answer key
    rubric: list[tuple[int, str]] = field(default_factory=list)  # indented lines keep 2 spaces
    rubric_line: int = 0  # the 评分标准 line; 0: none written
    guidance: list[tuple[int, str]] = field(default_factory=list)
    case: WordCase | None = None

    @property
    def kind(self) -> str | None:
        return self.section.kind if self.section else None

    def block(self) -> list[tuple[int, str]]:
        blocks = {"stem": self.stem, "explanation": self.explanation, "rubric": self.rubric}
        return blocks.get(self.phase, self.guidance if self.phase == "guidance" else self.reference)


def item_name(item: Item) -> str:
    """How messages name an item: 第 2 题「…」, within its case when it has one."""
    own = f"第 {item.number} 题「{item.head}」"
    return f"{item.case.label}{own}" if item.case is not None else own


def draft_of(
    item: Item, topic: str, difficulty: int, key_seen: bool, report: Report
) -> Draft | None:
    def bad(message: str, line: int | None = None) -> None:
        if not item.bad:
            report(line or item.line, f"{item_name(item)}{message}")
        item.bad = True

    kind = item.kind
    stem = [(n, t) for n, t in item.stem if t]
    points = None
    for index in dict.fromkeys((0, len(stem) - 1)) if stem else ():
        line, text = stem[index]
        if match := ITEM_POINTS_RE.search(text):
            points = decimal_points(match.group(1))
            stem[index] = (line, text[: match.start()].rstrip())
            break
    answer_text = item.answer[1] if item.answer else ""
    answer_line = item.answer[0] if item.answer else item.line
    draft = Draft(
        id=PLACEHOLDER_ID,
        kind=kind or "",
        topic=topic,
        difficulty=difficulty,
        explanation=paragraphs(item.explanation),
    )
    missing = "（答案部分也没有这一题）" if key_seen else ""
    if kind in CHOICE and not item.options:
        bad("没有选项：选项写成“A．…”，一行一个或几个写在一行")
        return None
    found = _bracket_answer(item, stem, bad)
    if found is None:
        return None
    stem, bracketed = found
    if bracketed is not None:
        answer_line, answer_text = bracketed
    stem_text = paragraphs(stem)
    if kind in CHOICE:
        letters = re.sub(r"[\s,，、;；]", "", nfkc(answer_text).upper())
        labels = [label for _, label, _ in item.options]
        if item.answer is None and bracketed is None:
            bad(
                "缺少答案：在选项后写“答案：B”或“【答案】AC”，或写在题干的括号里“（B）”" + missing,
                item.options[-1][0],
            )
            return None
        if not letters or any(c not in labels for c in letters) or len(set(letters)) < len(letters):
            bad(f"答案“{answer_text}”应为选项中的字母（{''.join(labels)}）", answer_line)
            return None
        draft.options = [DraftOption(text, label in letters) for _, label, text in item.options]
    elif kind == "tf":
        value = nfkc(answer_text).rstrip("。.").upper()
        if not answer_text:
            bad("缺少答案：写“答案：√”或“答案：×”（也可在题末写（√）（×））" + missing)
            return None
        if value not in TRUE_WORDS and value not in FALSE_WORDS:
            bad(f"判断题答案“{answer_text}”应为 √ 或 ×（正确 / 错误）", answer_line)
            return None
        draft.answer = value in TRUE_WORDS
    elif kind == "fill":
        counter = iter(range(1, 1000))
        stem_text = BLANK_RE.sub(lambda _m: f"{{{{{next(counter)}}}}}", stem_text)
        blanks = next(counter) - 1
        if blanks == 0:
            bad("题干中没有空：用（  ）或 ____ 标出要填的地方")
            return None
        if item.answer is None or not answer_text:
            bad("缺少答案：写“答案：…”，几个空用“；”分隔" + missing)
            return None
        answers = blank_answers(answer_text, blanks)
        if answers is None:
            bad(
                f"题干有 {blanks} 个空，答案“{excerpt(answer_text)}”分不出 {blanks} 个："
                "几个空的答案用“；”分隔，同一空的几种写法用“/”分隔",
                answer_line,
            )
            return None
        draft.blanks = [[(alt, Decimal(1)) for alt in alternatives] for alternatives in answers]
        if points is None and item.section and item.section.per_blank is not None:
            points = item.section.per_blank * blanks
    elif kind == "essay":
        draft.reference_answer = paragraphs(item.reference)
        draft.guidance = paragraphs(item.guidance)
        if item.case is not None:
            draft.case_id, draft.source = (
                item.case.uid,
                item.case.source[1] if item.case.source else "",
            )
    draft.stem = stem_text
    if points is None and item.section is not None:
        points = item.section.points
    if points is None:
        bad("没有分值：在大题标题中写“每题2分”，或在题末写“（2分）”")
        return None
    draft.points = points
    if item.rubric_line and (item.bad or not _rubric(item, draft, report)):
        return None
    return draft


def _rubric(item: Item, draft: Draft, report: Report) -> bool:
    """The item's 评分标准 as criteria; False when anything in it was reported."""
    criteria, problems = read_rubric(item.rubric, item.rubric_line)
    total = sum((c.points for c in criteria), Decimal(0))
    if not problems and total != draft.points:
        problems.append((
            item.rubric_line,
            f"评分标准各项合计 {fmt_decimal(total)} 分，与题目分值 {fmt_decimal(draft.points)} 分不一致",
        ))  # fmt: skip
    for line, message in problems:
        report(line, f"{item_name(item)}{message}")
    item.bad = item.bad or bool(problems)
    draft.rubric = criteria
    return not problems


def _bracket_answer(item: Item, stem: list[tuple[int, str]], bad):
    """(the stem without an answer in its brackets, (line, answer) found there or None);
    None when the brackets and the answer line disagree or several brackets qualify."""
    texts = [t for _, t in stem]
    own = item.answer
    if item.kind == "tf":
        if (found := tf_bracket(texts)) is None:
            return stem, None
        index, match = found
        line, text = stem[index]
        mark = match.group(1)
        if own is not None and canonical(own[1]) != canonical(mark):
            bad(f"题干括号中的“{mark}”与答案“{own[1]}”不一致：只保留一处", line)
            return None
        rest = (text[: match.start()] + text[match.end() :]).strip()
        stem = [*stem[:index], (line, rest), *stem[index + 1 :]]
        return stem, None if own is not None else (line, mark)
    if item.kind not in CHOICE:
        return stem, None
    labels = "".join(label for _, label, _ in item.options)
    brackets = answer_brackets(texts, labels, item.kind == "multi")
    if not brackets:
        return stem, None
    first_line = stem[brackets[0].index][0]
    answer = None
    if own is None:
        if len(brackets) > 1:
            shown = "”“".join(b.letters for b in brackets)
            bad(
                f"题干中有 {len(brackets)} 处括号像是答案（“{shown}”），无法判断哪一处是答案："
                "请在选项后写“答案：…”",
                first_line,
            )
            return None
        answer = (first_line, brackets[0].letters)
    elif other := [b for b in brackets if b.letters != letters_of(own[1])]:
        bad(
            f"题干括号中的“{other[0].letters}”与答案“{own[1]}”不一致："
            f"括号里若不是答案，请去掉括号（答案处写{BLANK}）",
            stem[other[0].index][0],
        )
        return None
    lines = blank_out(texts, brackets)
    return [(n, t) for (n, _), t in zip(stem, lines, strict=True)], answer


def canonical(answer: str) -> str:
    """An answer as compared: T/F for 判断, option letters, or the text without spaces."""
    value = nfkc(answer).strip().rstrip("。.").upper()
    if value in TRUE_WORDS:
        return "T"
    if value in FALSE_WORDS:
        return "F"
    letters = letters_of(value)
    return letters if re.fullmatch(r"[A-Z]+", letters) else re.sub(r"\s+", "", value)
