"""Line-level reading shared by question and case files: front matter, fields, numbers.

Everything works on a list of lines with 1-based numbers so that every error can name the
exact line a training lead has to fix. Numbers are matched by bounded regexes before
conversion, so junk input can never raise (int() refuses > 4300 digits, Decimal accepts
"NaN").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from .model import ContentError

# "名称: 值" with an ASCII or full-width colon; names are short words.
FIELD_RE = re.compile(r"^([A-Za-z\u4e00-\u9fff]{1,12})[ \t]*[:：][ \t]*(.*)$")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
POINTS_RE = re.compile(r"^\d{1,4}(?:\.\d{1,2})?$")
PERCENT_RE = re.compile(r"^[(（]\s*(-?\d{1,3}(?:\.\d{1,6})?)\s*[%％]\s*[)）]\s*(.*)$")
TAG_SPLIT_RE = re.compile(r"[,，、;；]")
# An exclusion group (互斥组) is one short name: letters, digits, Chinese, "-" and "_".
GROUP_RE = re.compile(r"^[0-9A-Za-z\u4e00-\u9fff][0-9A-Za-z\u4e00-\u9fff_-]{0,39}$")
GROUP_KINDS = ("single", "multi", "tf", "fill")  # drawn items a candidate could get twice
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Field:
    value: str
    line: int


class Sink:
    """Collects errors for one file, so parsers just say what is wrong and where."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.errors: list[ContentError] = []

    def add(self, line: int, message: str) -> None:
        self.errors.append(ContentError(self.file, line, message))


def split_lines(text: str) -> list[str]:
    # Only "\n" ends a line (str.splitlines also splits on \x0b, \u2028 … and would shift
    # line numbers against what an editor shows); a BOM from Windows Notepad is dropped.
    return [line.rstrip("\r") for line in text.removeprefix("\ufeff").split("\n")]


def nfkc(value: str) -> str:
    # Full-width digits and letters ("２", "５０％") are common in Chinese editors.
    return unicodedata.normalize("NFKC", value).strip()


def parse_points(value: str) -> Decimal | None:
    """A positive decimal with at most two decimal places (as the grader stores scores)."""
    text = nfkc(value)
    if not POINTS_RE.match(text):
        return None
    number = Decimal(text)
    return number if number > 0 else None


def parse_difficulty(value: str) -> int | None:
    text = nfkc(value)
    return int(text) if text in {"1", "2", "3", "4", "5"} else None


def percent_prefix(text: str) -> tuple[Decimal | None, str]:
    """Split "(50%) 文本" into (0.5, "文本"); no prefix gives (None, text)."""
    match = PERCENT_RE.match(text)
    if not match:
        return None, text
    return Decimal(nfkc(match.group(1))) / HUNDRED, match.group(2).strip()


def parse_group(value: str) -> tuple[str | None, str | None]:
    """An exclusion group's name, or (None, a Chinese message) when it is malformed.

    Full-width letters and digits are folded (NFKC), so "ＴＳ－０１" and "TS-01" are one group;
    an empty value means no group.
    """
    text = nfkc(value)
    if not text:
        return None, None
    if GROUP_RE.match(text):
        return text, None
    if TAG_SPLIT_RE.search(text) or any(c.isspace() for c in text):
        return None, (
            f"互斥组“{value.strip()}”只能写一个名称：一道题只能属于一个互斥组，"
            "名称中不能有空格、逗号或顿号"
        )
    return None, (
        f"互斥组“{value.strip()}”不合规：只能用汉字、字母、数字、连字符和下划线，"
        "以汉字、字母或数字开头，最长 40 个字符"
    )


def split_tags(value: str) -> tuple[str, ...]:
    tags: list[str] = []
    for raw in TAG_SPLIT_RE.split(value):
        tag = raw.strip()
        if tag and tag not in tags:
            tags.append(tag)
    return tuple(tags)


def join_text(parts: list[tuple[int, str]]) -> str:
    """Lines joined as Markdown, with blank lines at either end dropped."""
    texts = [text.rstrip() for _, text in parts]
    while texts and not texts[0].strip():
        texts.pop(0)
    while texts and not texts[-1].strip():
        texts.pop()
    return "\n".join(texts)


def read_front_matter(
    lines: list[str], sink: Sink, aliases: dict[str, str]
) -> tuple[dict[str, Field], int]:
    """Read the "---" block at the top. Returns (fields by canonical name, next line index).

    Problems are reported and reading goes on, so the rest of the file is still checked.
    """
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start == len(lines) or lines[start].strip() != "---":
        line = start + 1 if start < len(lines) else 1
        sink.add(line, "文件开头缺少文件头：第一行应为 ---，接着写“知识点: …”等字段，再以 --- 结束")
        return {}, start
    fields: dict[str, Field] = {}
    index = start + 1
    while index < len(lines):
        text = lines[index]
        stripped = text.strip()
        if stripped == "---":
            return fields, index + 1
        if stripped.startswith("#"):
            # The closing --- was forgotten: stop here and keep checking the questions.
            sink.add(start + 1, "文件头没有以 --- 结束")
            return fields, index
        index += 1
        if not stripped:
            continue
        match = FIELD_RE.match(stripped)
        if not match:
            sink.add(index, "文件头里每行应为“字段: 值”")
            continue
        name = aliases.get(match.group(1))
        if name is None:
            known = "、".join(dict.fromkeys(aliases.values()))
            sink.add(index, f"文件头中有未知字段“{match.group(1)}”，可用字段：{known}")
            continue
        if name in fields:
            sink.add(index, f"文件头中“{name}”重复（第 {fields[name].line} 行已写过）")
            continue
        fields[name] = Field(match.group(2).strip(), index)
    sink.add(start + 1, "文件头没有以 --- 结束")
    return fields, len(lines)
