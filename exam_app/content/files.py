"""Whole files: a question_bank/ topic file, or a cases/ file (one case, its questions)."""

from __future__ import annotations

import re

from .lines import (
    ID_RE,
    Field,
    Sink,
    join_text,
    parse_difficulty,
    parse_points,
    read_front_matter,
    split_lines,
    split_tags,
)
from .model import CaseSpec, ContentError, QuestionSpec
from .question import MAX_SOURCE, MAX_TOPIC, Defaults, heading_id, parse_questions

QUESTION_FILE_FIELDS = {n: n for n in ("知识点", "难度", "分值", "出处", "标签", "说明")}
CASE_FILE_FIELDS = {
    **{n: n for n in ("编号", "标题", "知识点", "出处", "难度", "分值", "标签", "说明")},
    "id": "编号",
}
CASE_SECTIONS = ("情景", "依据")
SECTION_RE = re.compile(r"^#(?!#)\s*(.*?)\s*$")
MAX_TITLE = 200


def parse_question_file(text: str, file: str) -> tuple[list[QuestionSpec], list[ContentError]]:
    """All questions of one topic file; every problem is reported, nothing is raised."""
    sink = Sink(file)
    lines = split_lines(text)
    fields, start = _front_matter(lines, sink, QUESTION_FILE_FIELDS)
    defaults = _defaults(fields, sink)
    questions = parse_questions(lines, start, sink, defaults)
    return questions, sink.errors


def parse_case_file(text: str, file: str) -> tuple[CaseSpec | None, list[ContentError]]:
    """One case: front matter, "# 情景", "# 依据", then its "## id" questions."""
    sink = Sink(file)
    lines = split_lines(text)
    fields, start = _front_matter(lines, sink, CASE_FILE_FIELDS)
    case_id = fields["编号"].value if "编号" in fields else ""
    if "编号" in fields and not ID_RE.match(case_id):
        sink.add(fields["编号"].line, f"案例编号“{case_id}”不合规：只能用小写字母、数字和连字符")
    title = fields["标题"].value if "标题" in fields else ""
    if len(title) > MAX_TITLE:
        sink.add(fields["标题"].line, f"标题过长，最多 {MAX_TITLE} 字")
    defaults = _defaults(fields, sink, kind="essay", case_id=case_id)
    sections, first_question = _case_sections(lines, start, sink)
    questions = parse_questions(lines, first_question, sink, defaults)
    for index in range(first_question, len(lines)):
        match = SECTION_RE.match(lines[index])
        if match and match.group(1) in CASE_SECTIONS:
            sink.add(index + 1, f"“# {match.group(1)}”应写在所有题目（## 编号）之前")
    if first_question == len(lines):
        last = max((i + 1 for i, text in enumerate(lines) if text.strip()), default=1)
        sink.add(last, "案例中没有题目：用“## 编号”开始一道题")
    if sink.errors or not (case_id and title):
        return None, sink.errors
    return (
        CaseSpec(
            id=case_id,
            title=title,
            topic=defaults.topic,
            scenario=sections["情景"],
            basis=sections["依据"],
            source=defaults.source,
            questions=tuple(questions),
            file=file,
            line=fields["编号"].line,
        ),
        sink.errors,
    )


def _front_matter(
    lines: list[str], sink: Sink, aliases: dict[str, str]
) -> tuple[dict[str, Field], int]:
    fields, start = read_front_matter(lines, sink, aliases)
    top = next((i + 1 for i, text in enumerate(lines) if text.strip()), 1)
    has_header = bool(lines) and lines[top - 1].strip() == "---"
    required = ("编号", "标题", "知识点", "出处") if "编号" in aliases.values() else ("知识点",)
    for name in required:
        if has_header and not (name in fields and fields[name].value):
            line = fields[name].line if name in fields else top
            sink.add(line, f"文件头缺少“{name}”")
    return fields, start


def _defaults(
    fields: dict[str, Field], sink: Sink, kind: str | None = None, case_id: str | None = None
) -> Defaults:
    topic = fields["知识点"].value if "知识点" in fields else ""
    if len(topic) > MAX_TOPIC:
        sink.add(fields["知识点"].line, f"知识点应为 1 到 {MAX_TOPIC} 个字")
    difficulty = points = None
    if "难度" in fields:
        difficulty = parse_difficulty(fields["难度"].value)
        if difficulty is None:
            sink.add(fields["难度"].line, f"难度应为 1 到 5 的整数，不是“{fields['难度'].value}”")
    if "分值" in fields:
        points = parse_points(fields["分值"].value)
        if points is None:
            sink.add(
                fields["分值"].line, f"分值应为正数（最多两位小数），不是“{fields['分值'].value}”"
            )
    source = fields["出处"].value if "出处" in fields else ""
    if len(source) > MAX_SOURCE:
        sink.add(fields["出处"].line, f"出处过长（{len(source)} 字），最多 {MAX_SOURCE} 字")
    tags = split_tags(fields["标签"].value) if "标签" in fields else ()
    return Defaults(topic, difficulty, points, source, tags, kind, case_id or None)


def _case_sections(lines: list[str], start: int, sink: Sink) -> tuple[dict[str, str], int]:
    """The "# 情景" and "# 依据" texts, and the index of the first "## " question."""
    parts: dict[str, list[tuple[int, str]]] = {}
    heads: dict[str, int] = {}
    current: list[tuple[int, str]] | None = None
    index = start
    while index < len(lines) and heading_id(lines[index]) is None:
        text, line = lines[index], index + 1
        match = SECTION_RE.match(text)
        if match:
            name = match.group(1)
            if name not in CASE_SECTIONS:
                sink.add(line, f"未知的部分“# {name}”，案例只有“# 情景”和“# 依据”两部分")
                current = []
            elif name in parts:
                sink.add(line, f"“# {name}”重复（第 {heads[name]} 行已有）")
                current = []
            else:
                current = parts[name] = []
                heads[name] = line
        elif current is not None:
            current.append((line, text))
        elif text.strip():
            sink.add(line, "文件头之后应先写“# 情景”")
            current = []
        index += 1
    texts = {}
    for name in CASE_SECTIONS:
        texts[name] = join_text(parts.get(name, []))
        if name not in parts:
            sink.add(
                index + 1 if index < len(lines) else max(len(lines), 1), f"案例缺少“# {name}”部分"
            )
        elif not texts[name]:
            sink.add(heads[name], f"“# {name}”下没有内容")
    return texts, index
