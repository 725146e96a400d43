"""The catalogue of service-quality standards (考核标准): a Markdown content file, like the bank.

Each standard is one fault or bonus with its points per occurrence, cited by the title of the
company document it comes from. The file format is described for leads in
question_bank/standards/README.md; errors name file and line in Chinese, all at once, the way
question files report them (content.ContentError), wrapped in one CatalogueInvalid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from exam_app.content.lines import FIELD_RE, ID_RE, Sink, join_text, nfkc, split_lines
from exam_app.content.loader import read_text
from exam_app.content.model import ContentError

CATALOGUE_PATH = "question_bank/standards/kaohe-biaozhun.md"
FILE_FIELDS = ("版本", "说明")
STANDARD_FIELDS = ("标题", "分值", "类别", "出处", "条款", "停用")
REQUIRED_FIELDS = ("标题", "分值", "类别")
MAX_TITLE = 40
MAX_CATEGORY = 20
MAX_SOURCE = 100
MAX_POINTS = 100
# "-2", "+5", "扣2分", "扣 2 分", "加5分"; NFKC has already folded full-width digits and "－".
SIGNED_RE = re.compile(r"^([+-])\s*(\d{1,3})$")
WORDED_RE = re.compile(r"^([扣加])\s*(\d{1,3})\s*分?$")
STANDARD_RE = re.compile(r"^##(?!#)\s*(.*?)\s*$")
SECTION_RE = re.compile(r"^#(?!#)\s*(.*?)\s*$")
YES, NO = ("是", "停用"), ("否", "")


@dataclass(frozen=True)
class Standard:
    code: str
    title: str  # short name, for lists and the 过失通知单
    text: str  # the rule as the document writes it
    points: int  # signed, per occurrence: -1, -2, -5 deducted; +5 added
    category: str  # e.g. 工作职责, 开头语以及问候语
    source: str  # the title of the document it is cited from
    line: int
    retired: bool = False  # kept so old records still show it; not offered for new records
    clause: str = ""  # where in the document, e.g. 第三条, 一、5
    file: str = ""

    @property
    def is_bonus(self) -> bool:
        return self.points > 0


@dataclass(frozen=True)
class Catalogue:
    version: str
    standards: tuple[Standard, ...]

    def by_code(self, code: str) -> Standard:
        for standard in self.standards:
            if standard.code == code:
                return standard
        raise KeyError(f"考核标准中没有编号“{code}”")

    @property
    def active(self) -> tuple[Standard, ...]:
        return tuple(s for s in self.standards if not s.retired)


class CatalogueInvalid(ValueError):
    """Every problem of a catalogue file, each a ContentError with file and line."""

    def __init__(self, errors: list[ContentError]) -> None:
        self.errors = tuple(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


def load_catalogue(root: Path) -> Catalogue:
    """The shipped catalogue under the content root (EXAM_CONTENT_ROOT)."""
    path = Path(root) / CATALOGUE_PATH
    if not path.is_file():
        raise CatalogueInvalid([ContentError(CATALOGUE_PATH, 0, f"找不到考核标准文件 {path}")])
    text, error = read_text(path, CATALOGUE_PATH)
    if error is not None:
        raise CatalogueInvalid([error])
    return parse_catalogue(text or "", CATALOGUE_PATH)


def parse_catalogue(text: str, path: str) -> Catalogue:
    """Parse a catalogue file; raise CatalogueInvalid naming every bad line."""
    sink = Sink(path)
    lines = split_lines(text)
    version, index = _header(lines, sink)
    standards: list[Standard] = []
    first_line: dict[str, int] = {}
    source = ""
    while index < len(lines):
        line = lines[index]
        standard = STANDARD_RE.match(line)
        section = SECTION_RE.match(line)
        if standard:
            end = _block_end(lines, index + 1)
            parsed = _standard(lines, index, end, source, sink)
            if parsed is not None:
                if parsed.code in first_line:
                    sink.add(
                        index + 1,
                        f"标准编号“{parsed.code}”重复：第 {first_line[parsed.code]} 行已使用",
                    )
                else:
                    first_line[parsed.code] = index + 1
                    standards.append(parsed)
            index = end
            continue
        if section:
            # "# 文件名" names the document the following standards are cited from.
            source = section.group(1).strip("《》 ")
            if not source:
                sink.add(index + 1, "“#”后面应写所引文件的名称，如“# 物业客服人员考核标准”")
        index += 1  # other lines under a "#" heading are notes for colleagues
    if not standards and not sink.errors:
        last = max((i + 1 for i, text in enumerate(lines) if text.strip()), default=1)
        sink.add(last, "文件中没有考核标准：用“## 编号”开始一条标准")
    if sink.errors:
        raise CatalogueInvalid(sorted(sink.errors, key=lambda e: e.line))
    return Catalogue(version=version, standards=tuple(standards))


def _header(lines: list[str], sink: Sink) -> tuple[str, int]:
    """The "---" block: 版本 (required) and 说明. Returns (version, next line index)."""
    start = next((i for i, text in enumerate(lines) if text.strip()), len(lines))
    if start == len(lines) or lines[start].strip() != "---":
        sink.add(
            start + 1 if start < len(lines) else 1,
            "文件开头应为 ---，接着写“版本: …”，再以 --- 结束",
        )
        return "", start
    fields: dict[str, int] = {}
    version = ""
    index = start + 1
    while index < len(lines) and lines[index].strip() != "---":
        stripped = lines[index].strip()
        index += 1
        if not stripped:
            continue
        if stripped.startswith("#"):
            index -= 1
            break
        match = FIELD_RE.match(stripped)
        if not match:
            sink.add(index, "文件头里每行应为“字段: 值”")
        elif match.group(1) not in FILE_FIELDS:
            sink.add(
                index, f"文件头中有未知字段“{match.group(1)}”，可用字段：{'、'.join(FILE_FIELDS)}"
            )
        elif match.group(1) in fields:
            sink.add(
                index, f"文件头中“{match.group(1)}”重复（第 {fields[match.group(1)]} 行已写过）"
            )
        else:
            fields[match.group(1)] = index
            if match.group(1) == "版本":
                version = match.group(2).strip()
    if index >= len(lines) or lines[index].strip() != "---":
        sink.add(start + 1, "文件头没有以 --- 结束")
    else:
        index += 1
    if not version:
        sink.add(fields.get("版本", start + 1), "文件头缺少“版本”，如“版本: 2026-1”")
    return version, index


def _block_end(lines: list[str], index: int) -> int:
    while (
        index < len(lines)
        and not SECTION_RE.match(lines[index])
        and not STANDARD_RE.match(lines[index])
    ):
        index += 1
    return index


def _standard(lines: list[str], head: int, end: int, source: str, sink: Sink) -> Standard | None:
    """One "## 编号" block: fields, a blank line, the text."""
    code = STANDARD_RE.match(lines[head]).group(1)  # type: ignore[union-attr]
    ok = True
    if not ID_RE.match(code):
        sink.add(head + 1, f"标准编号“{code}”不合规：只能用小写字母、数字和连字符，如 wykh-01")
        ok = False
    fields: dict[str, tuple[str, int]] = {}
    index = head + 1
    while index < end and lines[index].strip():
        number, stripped = index + 1, lines[index].strip()
        index += 1
        match = FIELD_RE.match(stripped)
        if not match:
            sink.add(number, "标准的字段每行应为“字段: 值”；正文与字段之间要空一行")
            ok = False
        elif match.group(1) not in STANDARD_FIELDS:
            sink.add(
                number,
                f"未知字段“{match.group(1)}”，可用字段：{'、'.join(STANDARD_FIELDS)}"
                "（正文与字段之间要空一行）",
            )
            ok = False
        elif match.group(1) in fields:
            sink.add(
                number, f"字段“{match.group(1)}”重复（第 {fields[match.group(1)][1]} 行已写过）"
            )
            ok = False
        else:
            fields[match.group(1)] = (match.group(2).strip(), number)
    for name in REQUIRED_FIELDS:
        if not fields.get(name, ("", 0))[0]:
            sink.add(fields.get(name, ("", head + 1))[1], f"标准“{code}”缺少“{name}”")
            ok = False
    points = _points(fields.get("分值"), sink)
    retired = _retired(fields.get("停用"), sink)
    if not fields.get("出处", ("", 0))[0] and not source:
        sink.add(head + 1, f"标准“{code}”没有出处：写在“# 文件名”之下，或写“出处: 文件名”")
        ok = False
    for name, limit in (("标题", MAX_TITLE), ("类别", MAX_CATEGORY), ("出处", MAX_SOURCE)):
        value, number = fields.get(name, ("", 0))
        if len(value) > limit:
            sink.add(number, f"{name}过长（{len(value)} 字），最多 {limit} 字")
            ok = False
    text = join_text([(i + 1, lines[i]) for i in range(index, end)])
    if not text:
        sink.add(head + 1, f"标准“{code}”没有正文：字段之后空一行，写出文件中的原文")
        ok = False
    if not ok or points is None or retired is None:
        return None
    return Standard(
        code=code,
        title=fields["标题"][0],
        text=text,
        points=points,
        category=fields["类别"][0],
        source=fields.get("出处", (source, 0))[0].strip("《》 ") or source,
        line=head + 1,
        retired=retired,
        clause=fields.get("条款", ("", 0))[0],
        file=sink.file,
    )


def _points(field: tuple[str, int] | None, sink: Sink) -> int | None:
    if field is None or not field[0]:
        return None  # reported as a missing field
    value, number = field
    text = nfkc(value).replace("\u2212", "-")  # "−", the minus sign some editors insert
    signed, worded = SIGNED_RE.match(text), WORDED_RE.match(text)
    if re.fullmatch(r"[+-]?\s*0+", text) or (worded and int(worded.group(2)) == 0):
        sink.add(number, "分值不能为 0：每条标准每发生一次都要扣分或加分")
        return None
    if signed:
        points = int(signed.group(2)) * (-1 if signed.group(1) == "-" else 1)
    elif worded:
        points = int(worded.group(2)) * (-1 if worded.group(1) == "扣" else 1)
    else:
        sink.add(
            number,
            f"分值应为带符号的整数：扣分写 -2（或“扣2分”），加分写 +5（或“加5分”），不是“{value}”",
        )
        return None
    if abs(points) > MAX_POINTS:
        sink.add(number, f"分值应为 1 到 {MAX_POINTS} 分的扣分或加分，不是“{value}”")
        return None
    return points


def _retired(field: tuple[str, int] | None, sink: Sink) -> bool | None:
    if field is None:
        return False
    value, number = field
    if value in YES:
        return True
    if value in NO:
        return False
    sink.add(number, f"停用只能写“是”或“否”，不是“{value}”")
    return None
