"""Read a question bank written the way Chinese banks are written in Word or plain text.

    一、单项选择题（每题2分）
    1. 用户逾期未交电费，供电企业可以每日按电费总额的（  ）加收违约金。
    A．1‰至2‰   B．1‰至3‰   C．2‰至5‰
    答案：B
    解析：《电力供应与使用条例》第三十九条。

What is understood (and nothing else: every line that fits none of these is reported by its
line, with its first characters, and the whole bank is refused):

- Section headings ``一、单项选择题（每题2分）`` set the kind and the points of the items under
  them: 单项选择题/单选题, 多项选择题/多选题, 判断题/是非题, 填空题, 简答题/问答题/论述题/简述题.
  The points come from ``每题 2 分`` / ``每小题2分`` / ``每空 1 分`` (times the blanks), or from
  ``（5分）`` at the end of an item's first or last stem line, which wins.
- Items start with a number: ``1.`` ``2、`` ``（3）`` ``4．`` ``5）`` (full-width digits too).
- Options one per line or several on a line: ``A．…  B．…`` (``A.`` ``A、`` ``A）``, full-width
  letters ``Ａ``); options run from A without gaps.
- Answers: ``答案：B``, ``【答案】AC``, ``正确答案：A、C、D`` (also 参考答案, 标准答案); an answer or
  解析 may also follow the last option on its line after a space. 判断: √ ✓ 对 正确 是 T / × ✗ 错
  错误 否 F, on an answer line or in brackets at the end of the stem ``（×）``.
- 填空: blanks are ``（  ）`` (empty brackets, any spaces) or ``____`` (two or more underscores);
  the answer line gives the blanks in order. Several blanks are separated by ``；`` — or, when
  there is no ``；``, by ``、``/``，`` — or, when there is neither, by spaces; the separator
  used must give exactly as many answers as there are blanks. The accepted forms of one blank
  are separated by ``/`` or ``|`` (``峰谷/峰谷分时``); an answer in quotes (``“元/千瓦时”``) is
  taken as written, slash and all.
- ``解析：…`` / ``【解析】…`` and, for 简答, ``参考答案：…`` over as many paragraphs as needed.
  Inside a 解析, a 参考答案 or a stem, numbered lines are part of the text when they run
  their own list (``（1）`` ``（2）`` under an item numbered ``1.``); a line numbered like the
  next item starts it. A line that could be either (``2.`` in the answer of item ``1.``, after
  an answer point ``1.``) is reported: write the answer's points as （1） or ①.
- Text before the first section heading (the bank's title) is not imported and is listed as
  a notice; text anywhere else that is not part of an item is an error.

Pure: no Flask, no database, no python-docx (word_docx.py turns a .docx into these lines;
word_layouts.py holds the forms each line may take).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from .build import Draft, DraftOption
from .imported import PLACEHOLDER_ID, IdAssigner, ImportedBank, build_row, decode_text_upload
from .kinds import LABELS
from .lines import nfkc, split_lines
from .model import ContentError
from .word_layouts import (
    BLANK_RE,
    CHOICE,
    EACH_RE,
    EXPLAIN_WORDS,
    FALSE_WORDS,
    FIELD_RE,
    HEADING_RE,
    INLINE_FIELD_RE,
    INVISIBLE_RE,
    ITEM_POINTS_RE,
    KIND_NAMES,
    KIND_WORDS,
    NUMBER_RE,
    OPTION_MARK_RE,
    OPTION_START_RE,
    TEXT_PHASES,
    TF_AT_END_RE,
    TRUE_WORDS,
    blank_answers,
    decimal_points,
    excerpt,
    family,
    next_letter,
    paragraphs,
)


def read_word_text(
    data: bytes | str, name: str, default_topic: str = "", difficulty: int = 3
) -> ImportedBank:
    """A bank in the layout above, as items ready for the import plan (all or nothing)."""
    result = ImportedBank()
    text = decode_text_upload(data, name, result)
    if text is None:
        return result
    return parse_word_text(split_lines(text), name, default_topic, difficulty, result)


def parse_word_text(
    lines: list[str],
    name: str,
    default_topic: str,
    difficulty: int = 3,
    result: ImportedBank | None = None,
) -> ImportedBank:
    result = result if result is not None else ImportedBank()
    if not default_topic.strip():
        result.errors.append(ContentError(name, 0, "Word 和文本题库不含知识点：导入时请填写知识点"))
        return result
    reader = _Reader(name, default_topic.strip(), difficulty, result)
    for number, line in enumerate(lines, start=1):
        reader.line(number, line)
    reader.close()
    result.errors.sort(key=lambda e: e.line)
    ids = IdAssigner(result, name)
    result.questions = [ids.generated(spec, line) for spec, line in reader.pending]
    return result


@dataclass
class _Section:
    kind: str | None  # None: the heading was not understood (already reported)
    points: Decimal | None
    per_blank: Decimal | None
    line: int


@dataclass
class _Item:
    number: int
    family: str
    line: int
    head: str  # the first characters of its first line, for messages
    section: _Section | None
    stem: list[tuple[int, str]] = field(default_factory=list)
    options: list[tuple[int, str, str]] = field(default_factory=list)
    answer: tuple[int, str] | None = None
    explanation: list[tuple[int, str]] = field(default_factory=list)
    reference: list[tuple[int, str]] = field(default_factory=list)
    phase: str = "stem"  # stem | options | answer | explanation | reference
    # The text block's own list (family, next number): "（1）… （2）…" inside a stem or answer.
    block_list: tuple[str, int] | None = None
    bad: bool = False  # an error was reported: no follow-on errors for it

    @property
    def kind(self) -> str | None:
        return self.section.kind if self.section else None

    def block(self) -> list[tuple[int, str]]:
        return {"stem": self.stem, "explanation": self.explanation}.get(self.phase, self.reference)


class _Reader:
    def __init__(self, name: str, topic: str, difficulty: int, result: ImportedBank):
        self.name = name
        self.topic = topic
        self.difficulty = difficulty
        self.result = result
        self.section: _Section | None = None
        self.item: _Item | None = None
        self.seen_heading = False
        self.seen_item = False
        self.last_stray = -2
        self.no_section_reported = False
        self.pending: list = []

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
        text = INVISIBLE_RE.sub("", raw).replace("\u00a0", " ").strip(" \t\u3000\r")
        if not text:
            if self.item is not None and self.item.phase in TEXT_PHASES:
                self.item.block().append((number, ""))
            return
        heading = HEADING_RE.match(text)
        if heading and (heading.group(1) in KIND_WORDS or not self._in_text()):
            self.close()
            self.heading(number, text, heading)
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

    def heading(self, number: int, text: str, match: re.Match) -> None:
        self.seen_heading = True
        word, rest = match.group(1), match.group(2) or ""
        kind = KIND_WORDS.get(word)
        if kind is None:
            known = "、".join(w for w in KIND_WORDS if w.endswith("题"))
            self.error(number, text, f"大题题型“{word}”无法识别：可用 {known}")
            self.section = _Section(None, None, None, number)
            return
        points = per_blank = None
        for unit, value in EACH_RE.findall(rest):
            amount = decimal_points(value)
            if unit == "空":
                per_blank = amount
            else:
                points = amount
        self.section = _Section(kind, points, per_blank, number)

    def piece(self, number: int, text: str) -> None:
        item = self.item
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
                    f"无法判断是第 {n} 题还是上一题{_block_name(item)}中的第 {n} 点："
                    "请把题内的分点写成（1）（2）或①②，与题号区分开",
                )
                self.start(number, text, n, fam, num.group(4))
            elif next_item:
                self.start(number, text, n, fam, num.group(4))
            elif next_in_block:
                item.block_list = (fam, n + 1)
                item.block().append((number, text))
            else:
                self.error(
                    number,
                    text,
                    f"编号 {n} 既不是下一题（应为第 {item.number + 1} 题，与上一题编号写法相同），"
                    f"也不接着{_block_name(item)}中的编号：请检查题号",
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
            item.block().append((number, text))
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
        self.item = _Item(n, fam, number, excerpt(text), self.section)
        if self.section is None and not self.no_section_reported:
            self.no_section_reported = True
            self.error(
                number,
                text,
                "前面没有大题标题，无法确定题型：请在题目前写如“一、单项选择题（每题2分）”的标题",
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

    def options(self, number: int, text: str) -> None:
        item = self.item
        assert item is not None
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
                self.error(number, text, f"选项字母应为 {want}（选项从 A 起依次编号）")
                return
            body = text[mark.end() : end].strip(" \t\u3000")
            item.options.append((number, letter, body))

    # -- items -----------------------------------------------------------------------------

    def close(self) -> None:
        item, self.item = self.item, None
        if item is None or item.kind is None:
            return
        draft = self.draft(item)
        if draft is None or item.bad:
            return

        def where(problem) -> str:
            return f"第 {item.number} 题「{item.head}」{problem.field}：{problem.message}"

        spec = build_row(draft, self.name, item.line, self.result, where)
        if spec is not None:
            self.pending.append((spec, item.line))

    def draft(self, item: _Item) -> Draft | None:
        def bad(message: str, line: int | None = None) -> None:
            if not item.bad:
                self.result.errors.append(
                    ContentError(
                        self.name, line or item.line, f"第 {item.number} 题「{item.head}」{message}"
                    )
                )
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
            topic=self.topic,
            difficulty=self.difficulty,
            explanation=paragraphs(item.explanation),
        )
        if kind == "tf" and item.answer is None and stem:
            line, text = stem[-1]
            if match := TF_AT_END_RE.search(text):
                answer_text, answer_line = match.group(1), line
                stem[-1] = (line, text[: match.start()].rstrip())
        stem_text = paragraphs(stem)
        if kind in CHOICE:
            if not item.options:
                bad("没有选项：选项写成“A．…”，一行一个或几个写在一行")
                return None
            letters = re.sub(r"[\s,，、;；]", "", nfkc(answer_text).upper())
            labels = [label for _, label, _ in item.options]
            if item.answer is None:
                bad("缺少答案：在选项后写“答案：B”或“【答案】AC”", item.options[-1][0])
                return None
            if (
                not letters
                or any(c not in labels for c in letters)
                or len(set(letters)) < len(letters)
            ):
                bad(f"答案“{answer_text}”应为选项中的字母（{''.join(labels)}）", answer_line)
                return None
            draft.options = [DraftOption(text, label in letters) for _, label, text in item.options]
        elif kind == "tf":
            value = nfkc(answer_text).rstrip("。.").upper()
            if not answer_text:
                bad("缺少答案：写“答案：√”或“答案：×”（也可在题末写（√）（×））")
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
                bad("缺少答案：写“答案：…”，几个空用“；”分隔")
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
        draft.stem = stem_text
        if points is None and item.section is not None:
            points = item.section.points
        if points is None:
            bad("没有分值：在大题标题中写“每题2分”，或在题末写“（2分）”")
            return None
        draft.points = points
        return draft


def _block_name(item: _Item) -> str:
    return {"stem": "题干", "explanation": "解析"}.get(item.phase, "参考答案")
