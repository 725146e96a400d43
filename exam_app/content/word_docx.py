"""A Word (.docx) bank as the lines word_text.py reads, each with its place in the document.

Decisions:
- The body is read in document order: every paragraph is a line (a soft line break inside
  a paragraph starts another line at the same place); empty paragraphs are blank lines.
- Tables are read too, row by row and cell by cell, each cell's paragraphs as lines, as if
  the table were written out (banks kept one item per row — 题干 | 选项 | 答案 — read as
  that item; a cell merged across columns is read once). Tables nested in cells are not.
- A table that is an answer key — a 题号 row over an 答案 row (several such pairs for long
  keys), or 题号 | 答案 columns — is read as the key lines "参考答案", "1.B", "2.C", each at
  its answer's cell, so a wrong answer is named by the cell it is in (word_keys.py reads it).
- Word's automatic numbering (of the paragraph or of its style, e.g. List Number, numbering the items 1. 2. 3. or the options
  A. B. C.) is not in the paragraph's text; it is written back in front of it for the common
  formats (1 2 3, 一 二 三, A B C, a b c, ①). A paragraph numbered in any other format is
  reported as a notice, since its number is missing from what is read.
- Places are "第 N 段" (paragraphs of the body, counted from 1, empty ones included, as
  Word's navigation counts them) or "表格 T 第 R 行第 C 列".

Pure: python-docx only, no Flask, no database.
"""

from __future__ import annotations

import io
import zipfile

from docx import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from .imported import MAX_TEXT_BYTES, ImportedBank
from .model import ContentError
from .old_files import old_word
from .word_text import parse_word_text

CHINESE = "零一二三四五六七八九十"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def read_docx(data: bytes, name: str, default_topic: str = "", difficulty: int = 3) -> ImportedBank:
    result = ImportedBank()
    if len(data) > MAX_TEXT_BYTES:
        result.errors.append(ContentError(name, 0, "文件过大：最多 5 MB"))
        return result
    if old := old_word(name, data):
        result.errors.append(ContentError(name, 0, old))
        return result
    try:
        document = Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        message = "不是 Word 文档（.docx）：请用 Word 另存为“Word 文档（*.docx）”后上传"
        result.errors.append(ContentError(name, 0, message))
        return result
    lines, places, unnumbered = docx_lines(document)
    result.places = {n: place for n, place in enumerate(places, start=1)}
    for line in unnumbered:
        result.warnings.append(
            ContentError(name, line, "这一段使用了 Word 自动编号，但编号格式无法读出，编号未导入")
        )
    return parse_word_text(lines, name, default_topic, difficulty, result)


def docx_lines(document) -> tuple[list[str], list[str], list[int]]:
    """(lines, the place of each line, lines whose automatic number could not be written)."""
    numbering = _Numbering(document)
    lines: list[str] = []
    places: list[str] = []
    unnumbered: list[int] = []

    def add(paragraph: Paragraph, place: str) -> None:
        prefix = numbering.prefix(paragraph)
        if prefix is None:
            unnumbered.append(len(lines) + 1)
            prefix = ""
        for piece in (prefix + paragraph.text).split("\n"):
            lines.append(piece)
            places.append(place)

    paragraphs = tables = 0
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            paragraphs += 1
            add(Paragraph(child, document), f"第 {paragraphs} 段")
        elif child.tag == qn("w:tbl"):
            tables += 1
            table = Table(child, document)
            if (key := _key_table(table)) is not None:
                for (r, c), text in key:
                    lines.append(text)
                    places.append(f"表格 {tables} 第 {r} 行第 {c} 列")
                continue
            for r, row in enumerate(table.rows, start=1):
                seen = set()
                for c, cell in enumerate(row.cells, start=1):
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    for paragraph in cell.paragraphs:
                        add(paragraph, f"表格 {tables} 第 {r} 行第 {c} 列")
    return lines, places, unnumbered


NUMBER_WORDS = ("题号", "题目", "序号")
ANSWER_WORDS = ("答案", "参考答案", "标准答案")


def _key_table(table: Table) -> list[tuple[tuple[int, int], str]] | None:
    """The key lines of a 题号/答案 table with the (row, column) of each, or None."""
    grid = [[cell.text.strip() for cell in row.cells] for row in table.rows]
    if not grid or not grid[0]:
        return None
    cell = (1, 1)
    lines: list[tuple[tuple[int, int], str]] = []
    if grid[0][0] in NUMBER_WORDS and len(grid[0]) >= 2 and grid[0][1] in ANSWER_WORDS:
        for r, row in enumerate(grid[1:], start=2):  # columns: 题号 | 答案
            if any(row[:2]):
                lines.append(((r, 2), f"{row[0]}.{row[1]}"))
        return [(cell, "参考答案"), *lines]
    rows = iter(enumerate(grid, start=1))
    for _r, row in rows:  # rows: 题号 1 2 3 / 答案 B C D, pair after pair
        pair = next(rows, None)
        if row[0] not in NUMBER_WORDS or pair is None or pair[1][0] not in ANSWER_WORDS:
            return None
        for c, (number, answer) in enumerate(zip(row[1:], pair[1][1:], strict=False), start=2):
            if number or answer:
                lines.append(((pair[0], c), f"{number}.{answer}"))
    return [(cell, "参考答案"), *lines]


class _Numbering:
    """Word's automatic numbers, counted as Word counts them (per list, per level)."""

    def __init__(self, document):
        self.formats: dict[tuple[str, int], tuple[str, str, int]] = {}
        self.counters: dict[str, list[int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract = {}
        for node in root.findall(qn("w:abstractNum")):
            levels = {}
            for lvl in node.findall(qn("w:lvl")):
                fmt = lvl.find(qn("w:numFmt"))
                text = lvl.find(qn("w:lvlText"))
                start = lvl.find(qn("w:start"))
                levels[int(lvl.get(qn("w:ilvl"), "0"))] = (
                    fmt.get(qn("w:val")) if fmt is not None else "decimal",
                    text.get(qn("w:val")) if text is not None else "",
                    int(start.get(qn("w:val"))) if start is not None else 1,
                )
            abstract[node.get(qn("w:abstractNumId"))] = levels
        for num in root.findall(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            if ref is not None:
                for level, spec in abstract.get(ref.get(qn("w:val")), {}).items():
                    self.formats[(num.get(qn("w:numId")), level)] = spec

    def prefix(self, paragraph: Paragraph) -> str | None:
        """The number Word shows before the paragraph ("" when none; None if unreadable)."""
        num_pr = _num_pr(paragraph)
        if num_pr is None or num_pr.numId is None:
            return ""
        num_id = str(num_pr.numId.val)
        level = int(num_pr.ilvl.val) if num_pr.ilvl is not None else 0
        if num_id == "0":
            return ""
        spec = self.formats.get((num_id, level))
        if spec is None:
            return None
        fmt, text, start = spec
        counters = self.counters.setdefault(num_id, [])
        while len(counters) <= level:
            counters.append(self.formats.get((num_id, len(counters)), ("", "", 1))[2] - 1)
        counters[level] += 1
        del counters[level + 1 :]
        shown = text
        for n in range(level + 1):
            lvl_fmt = self.formats.get((num_id, n), (fmt, "", 1))[0]
            value = _format(lvl_fmt, counters[n] if n < len(counters) else start)
            if value is None:
                return None
            shown = shown.replace(f"%{n + 1}", value)
        return shown + ("" if shown.endswith((" ", "\t", "、")) else " ")


def _num_pr(paragraph: Paragraph):
    """The paragraph's list numbering, its own or its style's (List Number and the like)."""
    ppr = paragraph._p.pPr
    if ppr is not None and ppr.numPr is not None:
        return ppr.numPr
    try:
        style = paragraph.style
    except (KeyError, ValueError):
        return None
    for _ in range(10):  # a style's base styles, as Word follows them
        if style is None:
            return None
        ppr = style.element.pPr
        if ppr is not None and ppr.numPr is not None:
            return ppr.numPr
        style = style.base_style
    return None


def _format(fmt: str, n: int) -> str | None:
    if fmt == "decimal":
        return str(n)
    if fmt in ("chineseCounting", "chineseCountingThousand", "ideographTraditional") and n <= 99:
        if n <= 10:
            return CHINESE[n]
        tens, ones = divmod(n, 10)
        return (CHINESE[tens] if tens > 1 else "") + "十" + (CHINESE[ones] if ones else "")
    if fmt in ("upperLetter", "lowerLetter") and 1 <= n <= 26:
        letter = chr(ord("A") + n - 1)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt == "decimalEnclosedCircle" and 1 <= n <= len(CIRCLED):
        return CIRCLED[n - 1]
    if fmt == "none":
        return ""
    return None
