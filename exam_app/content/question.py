"""One question block: "## id", a header of "字段: 值" lines, a blank line, then the body.

The body is the stem (Markdown), then options ("- [x] …") for choice items, then sections
that start with a known name at the beginning of a line ("答案:", "解析:", "参考答案:",
"评分标准:", "评分说明:", "顺序:"). A section runs until the next one or the next "## ".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from .kinds import (
    FILL_RULES,
    MULTI_RULES,
    NEAR_OPTION_RE,
    OPTION_RE,
    Lines,
    blank_markers,
    build_choice,
    build_essay,
    build_fill,
    build_tf,
)
from .lines import (
    FIELD_RE,
    GROUP_KINDS,
    ID_RE,
    Field,
    Sink,
    join_text,
    nfkc,
    parse_difficulty,
    parse_group,
    parse_points,
    split_tags,
)
from .model import QuestionSpec

HEADER_KEYS = ("题型", "难度", "分值", "出处", "知识点", "标签", "评分", "步长", "顺序", "互斥组")
BODY_KEYS = ("答案", "顺序", "解析", "参考答案", "评分标准", "评分说明")
KIND_NAMES = {
    "单选": "single",
    "多选": "multi",
    "判断": "tf",
    "填空": "fill",
    "简答": "essay",
    "论述": "essay",
    "案例": "essay",
}
RULE_NAMES = {
    "少选不得分": "exact",
    "少选得一半分": "half",
    "少选按选项得分": "per_option",
    "按权重": "weighted",
    "按选项权重得分": "weighted",
    "逐空给分": "per_blank",
    "全对才得分": "all_or_nothing",
}
KIND_ONLY = {  # fields and sections that only some kinds may use
    "评分": ("multi", "fill"),
    "顺序": ("fill",),
    "步长": ("essay",),
    "答案": ("tf", "fill"),
    "参考答案": ("essay",),
    "评分标准": ("essay",),
    "评分说明": ("essay",),
    "互斥组": GROUP_KINDS,
}
KIND_LABEL = {"single": "单选", "multi": "多选", "tf": "判断", "fill": "填空", "essay": "简答"}
HEADING_RE = re.compile(r"^##(?!#)(.*)$")
MAX_SOURCE = 300  # the database column's size
MAX_TOPIC = 100


@dataclass(frozen=True)
class Defaults:
    """What a file header gives every question in the file (a question may override)."""

    topic: str = ""
    difficulty: int | None = None
    points: Decimal | None = None
    source: str = ""
    tags: tuple[str, ...] = ()
    kind: str | None = None  # cases: essay unless a question says otherwise
    case_id: str | None = None


@dataclass
class Block:
    heading: int  # line number of "## id"
    qid: str
    header: dict[str, Field] = field(default_factory=dict)
    stem: Lines = field(default_factory=list)
    options: Lines = field(default_factory=list)
    sections: dict[str, Lines] = field(default_factory=dict)


def heading_id(text: str) -> str | None:
    """The id of a "## id" line, or None if the line is not a level-2 heading."""
    match = HEADING_RE.match(text)
    return None if match is None else match.group(1).strip()


def parse_questions(
    lines: list[str], start: int, sink: Sink, defaults: Defaults
) -> list[QuestionSpec]:
    """Every "## id" block from lines[start] on; text before the first block is refused."""
    heads = [i for i in range(start, len(lines)) if heading_id(lines[i]) is not None]
    # Notes for readers may precede the first question; a question missing its "## id"
    # would hide there, so lines that look like question parts are refused.
    for index in range(start, heads[0] if heads else len(lines)):
        match = FIELD_RE.match(lines[index].strip())
        if (match and match.group(1) in HEADER_KEYS + BODY_KEYS) or OPTION_RE.match(lines[index]):
            sink.add(index + 1, "这里像是一道题的内容，但前面缺少“## 编号”标题")
            break
    questions: list[QuestionSpec] = []
    seen: dict[str, int] = {}
    for n, head in enumerate(heads):
        end = heads[n + 1] if n + 1 < len(heads) else len(lines)
        spec = parse_block(lines, head, end, sink, defaults)
        if spec is None:
            continue
        if spec.id in seen:
            sink.add(spec.line, f"题目编号“{spec.id}”重复：第 {seen[spec.id]} 行已使用")
            continue
        seen[spec.id] = spec.line
        questions.append(spec)
    return questions


def read_block(lines: list[str], start: int, end: int, sink: Sink) -> Block:
    heading = start + 1
    raw_id = heading_id(lines[start]) or ""
    block = Block(heading, raw_id)
    if raw_id and lines[start][2:3] not in (" ", "\t"):
        sink.add(heading, f"标题“{lines[start].strip()}”的 ## 后面要有一个空格")
    if not ID_RE.match(raw_id):
        sink.add(
            heading,
            f"题目编号“{raw_id}”不合规：只能用小写字母、数字和连字符，以字母或数字开头，最长 80 个字符",
        )
    i = start + 1
    while i < end and not lines[i].strip():
        i += 1
    # The header is the first paragraph, if it starts with a field; a case question that
    # takes everything from the case header may start with its stem right away.
    if i < end and FIELD_RE.match(lines[i].strip()):
        while i < end and lines[i].strip():
            _header_line(block, lines[i], i + 1, sink)
            i += 1
    _body(block, lines, i, end, sink)
    return block


def _header_line(block: Block, text: str, line: int, sink: Sink) -> None:
    match = FIELD_RE.match(text.strip())
    if match is None:
        sink.add(line, "题头每行应为“字段: 值”；题干与题头之间要空一行")
        return
    name, value = match.group(1), match.group(2).strip()
    if name not in HEADER_KEYS:
        if name in BODY_KEYS:
            sink.add(line, f"“{name}”应写在题干和选项之后，不在题头")
        else:
            sink.add(line, f"未知字段“{name}”，题头可用字段：{'、'.join(HEADER_KEYS)}")
        return
    if name in block.header:
        sink.add(line, f"“{name}”重复（第 {block.header[name].line} 行已写过）")
        return
    block.header[name] = Field(value, line)


def _body(block: Block, lines: list[str], start: int, end: int, sink: Sink) -> None:
    state = "stem"
    current: Lines = []
    for index in range(start, end):
        text, line = lines[index], index + 1
        match = FIELD_RE.match(text)  # only at column 0: indented text stays text
        if match and match.group(1) in BODY_KEYS:
            name = match.group(1)
            if name in block.sections:
                sink.add(line, f"“{name}”重复（第 {block.sections[name][0][0]} 行已写过）")
                current = []
            else:
                current = [(line, match.group(2))]
                block.sections[name] = current
            state = "section"
        elif match and match.group(1) in HEADER_KEYS:
            sink.add(line, f"“{match.group(1)}”应写在题头（编号下方、题干之前）")
        elif OPTION_RE.match(text):
            if state == "section":
                sink.add(line, "选项应紧接题干，写在“答案”“解析”等之前")
            else:
                block.options.append((line, text))
                state = "options"
        elif NEAR_OPTION_RE.match(text):
            sink.add(line, "选项格式应为“- [x] 文本”（正确）或“- [ ] 文本”（错误）")
        elif state == "stem":
            block.stem.append((line, text))
        elif state == "options":
            if text.strip():
                sink.add(line, "选项之后有无法识别的文字：选项每行一个，解析须以“解析:”开头")
        else:
            current.append((line, text))


def parse_block(
    lines: list[str], start: int, end: int, sink: Sink, defaults: Defaults
) -> QuestionSpec | None:
    before = len(sink.errors)
    block = read_block(lines, start, end, sink)
    h = block.header
    kind = _kind(block, defaults, sink)
    difficulty = defaults.difficulty or 3
    if "难度" in h:
        parsed = parse_difficulty(h["难度"].value)
        if parsed is None:
            sink.add(h["难度"].line, f"难度应为 1 到 5 的整数，不是“{h['难度'].value}”")
        difficulty = parsed or difficulty
    points = defaults.points
    if "分值" in h:
        points = parse_points(h["分值"].value)
        if points is None:
            sink.add(h["分值"].line, f"分值应为正数（最多两位小数），不是“{h['分值'].value}”")
    elif points is None:
        sink.add(block.heading, "缺少“分值”：在题头或文件头写“分值: 1”")
    topic = h["知识点"].value if "知识点" in h else defaults.topic
    if "知识点" in h and not 0 < len(topic) <= MAX_TOPIC:
        sink.add(h["知识点"].line, f"知识点应为 1 到 {MAX_TOPIC} 个字")
    source = h["出处"].value if "出处" in h else defaults.source
    if len(source) > MAX_SOURCE:
        line = h["出处"].line if "出处" in h else block.heading
        sink.add(line, f"出处过长（{len(source)} 字），最多 {MAX_SOURCE} 字")
    tags = split_tags(h["标签"].value) if "标签" in h else defaults.tags
    group = None
    if "互斥组" in h:
        group, problem = parse_group(h["互斥组"].value)
        if problem:
            sink.add(h["互斥组"].line, problem)
        elif group is None:
            sink.add(h["互斥组"].line, "“互斥组”后面没有写名称：不属于任何互斥组时删去这一行")
    stem = join_text(block.stem)
    if not stem:
        sink.add(block.heading, "题干为空：题头之后空一行再写题干")
    if kind is None:
        return None
    _kind_only(block, kind, sink)
    rule = _rule(block, kind, sink)
    options: tuple = ()
    rubric: tuple = ()
    reference = guidance = ""
    key: dict = {}
    if kind in ("single", "multi"):
        if not block.options:
            sink.add(block.heading, f"{KIND_LABEL[kind]}题没有选项：每行一个，如“- [x] 正确选项”")
        rule_line = h["评分"].line if "评分" in h else block.heading
        options, key, rule = build_choice(kind, block.options, rule, rule_line, block.heading, sink)
    elif block.options:
        sink.add(block.options[0][0], f"{KIND_LABEL[kind]}题不需要选项")
    if kind != "fill":
        blank_markers(block.stem, sink, is_fill=False)
    if kind == "tf":
        key = build_tf(block.sections.get("答案"), block.heading, sink)
    elif kind == "fill":
        order = h.get("顺序")
        if "顺序" in block.sections:
            line, value = block.sections["顺序"][0]
            order = Field(value.strip(), line)
        key, rule = build_fill(
            block.stem, block.sections.get("答案"), order, rule, block.heading, sink
        )
    elif kind == "essay":
        rubric, reference, guidance = build_essay(
            block.sections, h.get("步长"), points, block.heading, sink
        )
    if len(sink.errors) > before or points is None or not topic:
        return None  # a missing topic was already reported once in the file header
    return QuestionSpec(
        id=block.qid,
        kind=kind,
        topic=topic,
        difficulty=difficulty,
        points=points,
        stem=stem,
        options=options,
        key=key,
        rule=rule,
        explanation=join_text(block.sections.get("解析", [])),
        source=source,
        tags=tags,
        rubric=rubric,
        reference_answer=reference,
        guidance=guidance,
        case_id=defaults.case_id,
        file=sink.file,
        line=block.heading,
        exclusion_group=group,
    )


def _kind(block: Block, defaults: Defaults, sink: Sink) -> str | None:
    found = block.header.get("题型")
    if found is None:
        if defaults.kind is None:
            sink.add(block.heading, "缺少“题型”：单选、多选、判断、填空或简答")
        return defaults.kind
    value = nfkc(found.value).removesuffix("题")
    kind = KIND_NAMES.get(value)
    if kind is None:
        sink.add(found.line, f"未知题型“{found.value}”，可用：单选、多选、判断、填空、简答")
    return kind


def _kind_only(block: Block, kind: str, sink: Sink) -> None:
    for name, kinds in KIND_ONLY.items():
        where = block.header.get(name)
        line = where.line if where else None
        if line is None and name in block.sections:
            line = block.sections[name][0][0]
        if line is None or kind in kinds:
            continue
        if name == "答案" and kind in ("single", "multi"):
            sink.add(line, "选择题的正确答案用选项前的 [x] 标出，不写“答案:”")
        elif name == "答案":
            sink.add(line, "简答题的答案写在“参考答案:”下")
        else:
            allowed = "、".join(KIND_LABEL[k] for k in kinds)
            sink.add(line, f"“{name}”只用于{allowed}题，本题是{KIND_LABEL[kind]}题")


def _rule(block: Block, kind: str, sink: Sink) -> str | None:
    found = block.header.get("评分")
    if found is None or kind not in ("multi", "fill"):
        return None
    rule = RULE_NAMES.get(found.value.strip())
    allowed = MULTI_RULES if kind == "multi" else FILL_RULES
    if rule not in allowed:
        names = "、".join(name for name, code in RULE_NAMES.items() if code in allowed)
        sink.add(found.line, f"未知的评分规则“{found.value}”，{KIND_LABEL[kind]}题可用：{names}")
        return None
    return rule
