"""Answer keys gathered away from the items, the way Chinese banks print them:

    参考答案                      (or 答案 / 标准答案, alone on its line: the key starts)
    一、单项选择题                 (which section the entries below answer)
    1.B 2.C 3.D 4．A　5、B        (one entry each, any spacing)
    6-10 BCADA                    (a run of numbers, one answer each)
    二、多项选择题：1.AB 2.ACD     (the heading and its entries on one line)
    三、判断题
    1-5 √×√√×
    四、填空题
    1. 峰谷/峰谷分时；丰枯          (填空: one entry per line, or several after spaces)

or per section, after its items: ``一、单项选择题答案：1-5 BCADA`` / ``答案：1.B 2.C``.
A key comes after the items it answers, so every section it names is known when it is read.
KeyReader maps each entry to its item by section and number; a number with no item, an
item answered twice, a section the key names that the bank does not have are reported at
the key's line. Items the key leaves unanswered are reported by the reader (缺少答案).
Pure: no Flask, no database.
"""

from __future__ import annotations

import re
from collections import Counter

from .lines import nfkc
from .word_layouts import HEADING_RE, KIND_NAMES, KIND_WORDS, excerpt

ORDINAL_RE = re.compile(r"^([一二三四五六七八九十]{1,3})\s*[、.．]\s*")
# "参考答案" alone on its line, with or without 【】 or a colon: the key starts.
KEY_START_RE = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}\s*[、.．]\s*)?(【)?\s*(?:参考答案|标准答案|答案)"
    r"(?:及解析|与解析|及评分标准|与评分标准)?\s*(】)?\s*([:：])?$"
)
_KINDS = "|".join(sorted((re.escape(w) for w in KIND_WORDS), key=len, reverse=True))
# "一、单项选择题答案：1.B 2.C" — a section's own key, its entries on the line or below it.
SECTION_KEY_RE = re.compile(
    rf"^(?:([一二三四五六七八九十]{{1,3}})\s*[、.．]\s*)?({_KINDS})\s*的?\s*(?:参考答案|标准答案|答案)"
    r"\s*[:：]?\s*(.*)$"
)
_ANSWER = r"(?:[A-HＡ-Ｈ]|√|✓|✔|×|✗|✘|正确|错误|对|错)"
_NUMBER = r"[0-9０-９]{1,3}"
ENTRY_RE = re.compile(
    rf"({_NUMBER})(?:\s*[-－—–~～至]\s*({_NUMBER}))?\s*[.．、:：)）]?\s*"
    rf"({_ANSWER}(?:[\s\u3000、，,]*{_ANSWER})*)"
)
TOKEN_RE = re.compile(_ANSWER)
SEPARATOR_RE = re.compile(r"[\s\u3000、，,]+")
FILL_ENTRY_RE = re.compile(rf"(?:^|[\s\u3000]+)({_NUMBER})\s*[.．、:：)）]\s*")
GAP_RE = re.compile(r"[\s\u3000;；，,。]*")


class KeyError_(ValueError):
    """A key line that is entries but cannot be read as one answer per number."""


def entries(text: str) -> list[tuple[int, str]] | None:
    """The (number, answer) entries of a choice or 判断 key line, or None when the line is
    not wholly such entries. Raises KeyError_ when a run's answers cannot be counted."""
    found: list[tuple[int, str]] = []
    position = 0
    text = text.strip()
    for match in ENTRY_RE.finditer(text):
        if GAP_RE.fullmatch(text, position, match.start()) is None:
            return None
        position = match.end()
        first, last, answers = match.groups()
        start = int(nfkc(first))
        if last is None:
            found.append((start, answers.strip()))
            continue
        end = int(nfkc(last))
        count = end - start + 1
        # Separators, when written, divide the answers (多选 "AB、ACD"); else one mark each.
        parts = SEPARATOR_RE.split(answers.strip())
        if len(parts) == 1:
            parts = TOKEN_RE.findall(answers)
        if count < 1 or len(parts) != count:
            raise KeyError_(
                f"第 {start}–{end} 题共 {max(count, 0)} 题，答案“{answers.strip()}”分不出 "
                f"{max(count, 0)} 个：多选题的答案之间用空格或“、”隔开"
            )
        found.extend((start + n, part) for n, part in enumerate(parts))
    if not found or GAP_RE.fullmatch(text, position) is None:
        return None
    return found


def fill_entries(text: str) -> list[tuple[int, str]] | None:
    """A 填空 key line: "1. 峰谷/峰谷分时；丰枯  2. 千分之一" (an entry's answer is the rest
    up to the next number after a space), or None when it does not start with a number."""
    marks = list(FILL_ENTRY_RE.finditer(text.strip()))
    if not marks or marks[0].start() != 0:
        return None
    text = text.strip()
    found = []
    for n, mark in enumerate(marks):
        end = marks[n + 1].start() if n + 1 < len(marks) else len(text)
        found.append((int(nfkc(mark.group(1))), text[mark.end() : end].strip()))
    return found


def is_key_start(text: str, open_essay: bool) -> bool:
    """Is the line "参考答案" opening a key? Written bare it always is; with a colon or 【】
    it is the answer of an open 简答 item, whose reference answer follows on the next lines."""
    match = KEY_START_RE.match(text)
    if match is None:
        return False
    marked = bool(match.group(1) or match.group(2) or match.group(3))
    return not (marked and open_essay)


# -- mapping entries to items ------------------------------------------------------------------

AUTO = "auto"  # no section named: the only one, or all of them when item numbers are unique
NOWHERE = "nowhere"  # the section named could not be found (reported): its entries are skipped
HINT = "答案写成“1.B 2.C”或“1-5 BCADA”，各大题的答案前写大题标题（如“一、单项选择题”）"


class KeyReader:
    """The lines of an answer key, given to the items of `sections` (the reader's list).

    `report(line, text, message, stray=False)` files an error as the reader does."""

    def __init__(self, sections: list, report):
        self.sections = sections
        self.report = report
        self.target = AUTO

    def line(self, number: int, text: str) -> bool:
        """Read one key line; False when it is a new section of the bank (the key ended)."""
        if match := SECTION_KEY_RE.match(text):
            ordinal, word, rest = match.groups()
            self.name_section(number, text, ordinal, word)
            if rest.strip():
                self.entries(number, rest)
            return True
        if heading := HEADING_RE.match(text):
            ordinal = ORDINAL_RE.match(text).group(1)
            if not self._by_ordinal(ordinal):
                return False
            self.name_section(number, text, ordinal, heading.group(1))
            rest = re.sub(r"^[（(][^）)]*[)）]", "", (heading.group(2) or "").strip()).strip()
            if rest:
                self.entries(number, rest)
            return True
        if KEY_START_RE.match(text):
            return True  # "参考答案" written again (a title over the key, then its heading)
        if (ordinal := ORDINAL_RE.match(text)) and self._by_ordinal(ordinal.group(1)):
            self.name_section(number, text, ordinal.group(1), None)  # "一、1.B 2.C"
            text = text[ordinal.end() :]
        self.entries(number, text)
        return True

    def _by_ordinal(self, ordinal: str) -> list:
        return [s for s in self.sections if s.ordinal == ordinal]

    def name_section(self, number: int, text: str, ordinal: str | None, word: str | None):
        kind = KIND_WORDS.get(word) if word else None
        if ordinal:
            found = self._by_ordinal(ordinal)
            if len(found) != 1:
                self.target = NOWHERE
                where = "没有" if not found else f"有 {len(found)} 个"
                self.report(number, text, f"题目中{where}第“{ordinal}”大题，无法对应这部分答案")
                return
            section = found[0]
            if kind and section.kind and kind != section.kind:
                self.target = NOWHERE
                self.report(
                    number,
                    text,
                    f"题型与题目中的「{excerpt(section.title)}」（{KIND_NAMES[section.kind]}）"
                    "不同：请检查大题序号",
                )
                return
        else:
            found = [s for s in self.sections if s.kind == kind]
            if len(found) != 1:
                self.target = NOWHERE
                count = "没有" if not found else f"有 {len(found)} 个"
                self.report(
                    number,
                    text,
                    f"题目中{count}{KIND_NAMES.get(kind or '', '')}大题：请写明大题序号"
                    "（如“一、单项选择题答案”）",
                )
                return
            section = found[0]
        self.target = section

    def entries(self, number: int, text: str) -> None:
        if self.target is NOWHERE:
            return
        try:
            parsed = entries(text)
        except KeyError_ as exc:
            self.report(number, text, str(exc))
            return
        if parsed is None:
            parsed = fill_entries(text)
        if parsed is None:
            self.report(number, text, f"无法识别（答案部分）：{HINT}", stray=True)
            return
        for n, answer in parsed:
            if self.target is NOWHERE:
                return  # found out on the first entry (numbers repeat): reported once
            item = self._item(number, text, n)
            if item is None:
                continue
            if item.keyed is not None:
                self.report(number, text, f"第 {n} 题的答案重复：第 {item.keyed[0]} 行已写")
            else:
                item.keyed = (number, answer)

    def _item(self, number: int, text: str, n: int):
        sections = self.sections if self.target is AUTO else [self.target]
        if self.target is AUTO and len(sections) > 1:
            counts = Counter(k for s in sections for k in s.items)
            if any(c > 1 for c in counts.values()) or any(s.repeated for s in sections):
                self.target = NOWHERE
                self.report(
                    number,
                    text,
                    "各大题的题号重复，无法判断答案属于哪一大题：" + HINT,
                )
                return None
        found = [s.items[n] for s in sections if n in s.items]
        if any(n in s.repeated for s in sections):
            self.report(number, text, f"题号 {n} 在该大题中出现了两次，无法对应答案")
            return None
        if not found:
            where = f"「{excerpt(sections[0].title)}」" if len(sections) == 1 else "题目"
            self.report(number, text, f"答案部分有第 {n} 题，{where}中却没有这一题")
            return None
        return found[0]


def several_answers(text: str, least: int = 2) -> bool:
    """An answer line holding several numbered answers: a section's key, not one answer."""
    try:
        found = entries(text)
    except KeyError_:
        return True  # a run it cannot count: reported when read as a key
    return found is not None and len(found) >= least
