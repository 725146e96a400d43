"""Which line of a Word or text bank belongs where: the reader word_text.py feeds line by line.

One state machine: each line is read in the light of the current section, item, case, answer
key and block (stem, 解析, 参考答案, 评分标准) and either adds to them, opens the next, or is
reported with its line number and first characters. What a line may look like is in
word_layouts.py, what it adds in word_parts.py; items are built from what was read only in
`finish` (word_assemble.py), once an answer key at the end has had its chance. Pure.
"""

from __future__ import annotations

import re

from .imported import ImportedBank
from .lines import nfkc
from .model import ContentError
from .word_assemble import assemble
from .word_cases import CASE_FIELD_RE, CASE_START_RE, WordCase, case_field, start_case
from .word_items import Item, Section
from .word_keys import SECTION_KEY_RE, KeyReader, is_key_start, several_answers
from .word_layouts import (
    CHOICE,
    EXPLAIN_WORDS,
    FIELD_RE,
    GUIDANCE_WORDS,
    HEADING_RE,
    INLINE_FIELD_RE,
    INVISIBLE_RE,
    KIND_NAMES,
    KIND_WORDS,
    NUMBER_RE,
    OPTION_START_RE,
    RUBRIC_WORDS,
    TEXT_PHASES,
    excerpt,
    family,
)
from .word_parts import add_options, add_rubric_field, block_name, keep, section_of


class Reader:
    def __init__(self, name: str, topic: str, difficulty: int, result: ImportedBank):
        self.name = name
        self.topic = topic
        self.difficulty = difficulty
        self.result = result
        self.section: Section | None = None
        self.item: Item | None = None
        self.seen_heading = False
        self.seen_item = False
        self.last_stray = -2
        self.no_section_reported = False
        self.pending: list = []
        self.sections: list[Section] = []
        self.items: list[Item] = []  # closed, built at the end (an answer key may follow)
        self.key: KeyReader | None = None  # set while reading an answer key
        self.key_seen = False
        self.case: WordCase | None = None  # the case being read, in a 案例分析题 section
        self.cases: list[WordCase] = []
        self.indented = False  # the current line began with spaces (a rubric's level lines)

    # -- reporting -------------------------------------------------------------------------

    def error(self, line: int, text: str, message: str, *, stray: bool = False) -> None:
        """`stray`: a line that belongs to no item; a run of them is reported once."""
        if stray:
            follows = line == self.last_stray + 1
            self.last_stray = line
            if follows:
                return
        elif self.item is not None:
            self.item.bad = True  # no follow-on errors for this item
        self.result.errors.append(ContentError(self.name, line, f"「{excerpt(text)}」{message}"))

    # -- lines -----------------------------------------------------------------------------

    def line(self, number: int, raw: str) -> None:
        cleaned = INVISIBLE_RE.sub("", raw).replace("\u00a0", " ")
        self.indented = cleaned[:1] in (" ", "\t", "\u3000")
        text = cleaned.strip(" \t\u3000\r")
        if not text:
            if self.item is not None and self.item.phase in TEXT_PHASES:
                self.item.block().append((number, ""))
            return
        if self.key is not None:
            if self.key.line(number, text):
                return
            self.key = None  # a section of the bank after a section's own key
        item = self.item
        open_essay = item is not None and item.kind == "essay" and not item.reference
        if SECTION_KEY_RE.match(text) or is_key_start(text, open_essay):
            self.start_key(number, text)
            return
        heading = HEADING_RE.match(text)
        if heading and (heading.group(1) in KIND_WORDS or not self._in_text()):
            self.close()
            self.heading(number, text, heading)
            return
        if self.section is not None and self.section.case and (found := CASE_START_RE.match(text)):
            self.close()
            self.case = start_case(number, found)
            self.cases.append(self.case)
            return
        item = self.item
        pieces = [text]
        if (
            item is not None
            and item.kind in (*CHOICE, "tf", "fill")
            and item.phase
            in (
                "stem",
                "options",
            )
        ):
            pieces = [p for p in INLINE_FIELD_RE.split(text) if p]
        for piece in pieces:
            self.piece(number, piece)

    def _in_text(self) -> bool:
        return self.item is not None and self.item.phase in TEXT_PHASES and bool(self.item.block())

    def start_key(self, number: int, text: str, section: Section | None = None) -> None:
        """An answer key starts: "参考答案", "一、单选题答案：…", or "答案：1.B 2.C"."""
        self.close()
        self.key_seen = True
        self.key = KeyReader(self.sections, self.error)
        if section is not None:
            self.key.target = section
            self.key.entries(number, text)
        else:
            self.key.line(number, text)

    def heading(self, number: int, text: str, match: re.Match) -> None:
        self.seen_heading = True
        self.case = None
        self.section, problem = section_of(number, text, match)
        self.sections.append(self.section)
        if problem:
            self.error(number, text, problem)

    def piece(self, number: int, text: str) -> None:
        item = self.item
        case = self.case
        if case is not None and not case.items and (found := CASE_FIELD_RE.match(text)):
            self.close()
            try:
                rest = case_field(case, number, found)
            except ValueError as e:
                self.error(number, text, str(e))
                return
            if rest:
                self.piece(number, rest)  # "问题：1. …": the first question on the line
            return
        if fld := FIELD_RE.match(text):
            self.field(number, text, fld.group(1) or fld.group(2), fld.group(3).strip())
            return
        if num := NUMBER_RE.match(text):
            n = int(nfkc(num.group(1) or num.group(3)))
            fam = family(num.group(2)) if num.group(1) else "paren"
            if item is None or item.phase not in TEXT_PHASES:
                self.start(number, text, n, fam, num.group(4))
                return
            next_item = n == item.number + 1 and fam == item.family
            own = item.block_list
            next_in_block = (own is None and n == 1) or own == (fam, n)
            if next_item and next_in_block:
                self.error(
                    number,
                    text,
                    f"无法判断是第 {n} 题还是上一题{block_name(item)}中的第 {n} 点："
                    "请把题内的分点写成（1）（2）或①②，与题号区分开",
                )
                self.start(number, text, n, fam, num.group(4))
            elif next_item:
                self.start(number, text, n, fam, num.group(4))
            elif next_in_block:
                item.block_list = (fam, n + 1)
                self.keep(item, number, text)
            else:
                self.error(
                    number,
                    text,
                    f"编号 {n} 既不是下一题（应为第 {item.number + 1} 题，与上一题编号写法相同），"
                    f"也不接着{block_name(item)}中的编号：请检查题号",
                )
            return
        if (
            OPTION_START_RE.match(text)
            and item is not None
            and item.kind in CHOICE
            and item.phase == "explanation"
        ):
            self.error(
                number, text, "像是选项，却写在上一题的解析之后：这一题是否漏了题号？", stray=True
            )
            return
        if OPTION_START_RE.match(text) and item is not None and item.phase in ("stem", "options"):
            if item.kind in CHOICE:
                self.options(number, text)
                return
            if item.kind is not None and item.phase == "stem" and not item.stem:
                pass  # "A. …" as the first stem line of a non-choice item: just text
            elif item.kind is not None:
                self.error(number, text, f"{KIND_NAMES[item.kind]}题不应有选项")
                return
        if item is None and case is not None:
            case.add(number, text)
            return
        if item is None and self.section is not None and self.section.case:
            self.error(
                number,
                text,
                "案例分析题下先写“案例一：标题”，再写情景、依据、出处和题目",
                stray=True,
            )
            return
        if item is None:
            if not self.seen_heading and not self.seen_item:
                self.result.warnings.append(
                    ContentError(
                        self.name,
                        number,
                        f"「{excerpt(text)}」在第一个大题标题之前，作为标题未导入",
                    )
                )
            else:
                self.error(
                    number, text, "无法识别：题目应以题号开头（如“1.”“2、”“（3）”）", stray=True
                )
            return
        if item.phase in TEXT_PHASES:
            self.keep(item, number, text)
        elif item.phase == "options":
            self.error(
                number, text, "无法识别：选项应以字母开头（如“A．”），答案写“答案：B”", stray=True
            )
        else:
            self.error(
                number, text, "无法识别：答案之后只能写“解析：…”，下一题以题号开头", stray=True
            )

    def start(self, number: int, text: str, n: int, fam: str, rest: str) -> None:
        self.close()
        self.seen_item = True
        self.item = Item(n, fam, number, excerpt(text), self.section, case=self.case)
        if self.case is not None:
            self.case.items.append(self.item)
        elif self.section is not None and self.section.case:
            self.error(number, text, "案例分析题下先写“案例一：标题”，再写情景、依据、出处和题目")
        if self.section is None and not self.no_section_reported:
            self.no_section_reported = True
            self.error(
                number,
                text,
                "前面没有大题标题，无法确定题型：请在题目前写如“一、单项选择题（每题2分）”的标题",
            )
        elif self.key_seen and several_answers(text, least=1):
            self.error(
                number,
                text,
                "像是答案，却不在答案部分：答案部分中的大题标题（如“一、单项选择题”）"
                "要与题目中的大题序号、题型一致",
            )
        rest = rest.strip()
        if rest:
            self.item.stem.append((number, rest))

    def field(self, number: int, text: str, label: str, rest: str) -> None:
        item = self.item
        if item is None:
            self.error(number, text, "前面没有题目：答案和解析应写在题目之后")
            return
        item.block_list = None
        if re.fullmatch(f"{RUBRIC_WORDS}|{GUIDANCE_WORDS}", label):
            self.rubric_field(number, text, label, rest)
            return
        if (
            not re.fullmatch(EXPLAIN_WORDS, label)
            and item.kind != "essay"
            and several_answers(rest)
        ):
            self.start_key(number, rest, item.section)  # "答案：1.B 2.C" ends a section
            return
        if re.fullmatch(EXPLAIN_WORDS, label):
            if item.explanation:
                self.error(number, text, "解析重复：一道题只写一次“解析”")
                return
            item.phase = "explanation"
            item.explanation.append((number, rest))
            return
        if item.answer is not None or item.reference:
            self.error(number, text, "答案重复：一道题只写一个答案")
            return
        if item.kind == "essay":
            item.phase = "reference"
            item.reference.append((number, rest))
        else:
            item.phase = "answer"
            item.answer = (number, rest)

    def rubric_field(self, number: int, text: str, label: str, rest: str) -> None:
        assert self.item is not None
        if problem := add_rubric_field(self.item, number, label, rest):
            self.error(number, text, problem)

    def keep(self, item: Item, number: int, text: str) -> None:
        keep(item, number, text, self.indented)

    def options(self, number: int, text: str) -> None:
        assert self.item is not None
        if problem := add_options(self.item, number, text):
            self.error(number, text, problem)

    # -- items -----------------------------------------------------------------------------

    def close(self) -> None:
        item, self.item = self.item, None
        if item is None or item.kind is None:
            return
        self.items.append(item)
        section = item.section
        if section is not None and item.case is None:  # a key cannot answer a case question
            if item.number in section.items:
                section.repeated.add(item.number)
            section.items.setdefault(item.number, item)

    def finish(self) -> None:
        """The last item closed; keys, checks and building: word_assemble.py."""
        self.close()
        self.pending = assemble(self.items, self.cases, self.result, name=self.name,
                                topic=self.topic, difficulty=self.difficulty,
                                key_seen=self.key_seen)  # fmt: skip
