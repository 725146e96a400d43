"""案例分析题 in a Word or text bank, under a heading such as ``五、案例分析题``:

    案例一：物业公司在裙楼平台设置广告          (or 【案例一】… / 【案例】… / 案例：…)
    某物业公司……（the scenario, as many paragraphs as needed）
    依据：《民法典》第二百七十八条……           (more paragraphs may follow)
    出处：某客户服务中心业务考核试题·案例分析第12题
    1. 法院该怎么判？（4分）                    (the questions, each as a 简答 item)
    参考答案：……
    评分标准：……

A case needs its title, scenario, 依据 and 出处, as a case file does (cases/README.md):
依据 is what reviewers mark against and 出处 is where the case comes from. The importer
reads them and never makes them up; a case without them is refused, naming the case and
what to add. 依据 and 出处 are read before the first question only, since a reference answer
may well contain a line "依据：…". Pure: no Flask, no database.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

from .lines import nfkc
from .model import CaseSpec, ContentError, QuestionSpec
from .question import MAX_SOURCE
from .word_layouts import excerpt, paragraphs

ORDINAL = r"[一二三四五六七八九十0-9０-９]{1,3}"
CASE_START_RE = re.compile(
    rf"^(?:【\s*案例\s*({ORDINAL})?\s*】|案例\s*({ORDINAL})\s*(?:[：:、.．]|\s|$)|案例\s*[：:])\s*(.*)$"
)
CASE_FIELD_RE = re.compile(
    r"^(?:【\s*(法律依据|政策依据|依据|出处|来源|问题)\s*】\s*[:：]?"
    r"|(法律依据|政策依据|依据|出处|来源|问题)\s*[:：]|(问题)$)\s*(.*)$"
)
CASE_PREFIX = "imp-case-"


@dataclass
class WordCase:
    line: int
    title: str
    label: str  # how the case is named in messages: 案例「title」 or the heading's text
    scenario: list[tuple[int, str]] = field(default_factory=list)
    basis: list[tuple[int, str]] = field(default_factory=list)
    source: tuple[int, str] | None = None
    phase: str = "scenario"  # scenario | basis
    items: list = field(default_factory=list)  # its questions, in order
    uid: str = ""

    def add(self, line: int, text: str) -> None:
        (self.basis if self.phase == "basis" else self.scenario).append((line, text))


def start_case(line: int, match: re.Match) -> WordCase:
    title = match.group(3).strip()
    label = f"案例「{excerpt(title)}」" if title else f"第 {line} 行的案例"
    return WordCase(line, title, label)


def case_field(case: WordCase, line: int, match: re.Match) -> str | None:
    """Take a 依据 / 出处 / 问题 line; the text after 问题： (a first question), or None; raises
    ValueError with the message when the field is written twice."""
    word = nfkc(match.group(1) or match.group(2) or match.group(3))
    rest = match.group(4).strip()
    if word == "问题":
        return rest or None
    if word in ("出处", "来源"):
        if case.source is not None:
            raise ValueError(f"{case.label}的出处写了两次：只写一行“出处：…”")
        case.source = (line, rest)
        return None
    if case.basis:
        raise ValueError(f"{case.label}的依据写了两次：依据有几条时写在同一个“依据：”下，一条一段")
    case.phase = "basis"
    case.basis.append((line, rest))
    return None


def check_case(case: WordCase, name: str) -> list[ContentError]:
    """What the case lacks, at its line: the same requirements as a case file's."""
    problems = []
    if not case.title:
        problems.append("没有标题：写成“案例一：标题”或“【案例】标题”")
    elif len(case.title) > 200:
        problems.append("标题过长：最多 200 个字")
    if not paragraphs(case.scenario):
        problems.append("没有情景：在案例标题下写案情，再写题目")
    if not paragraphs(case.basis):
        problems.append(
            "没有依据：在情景之后、第一题之前写“依据：”和本案例依据的法规名称、条款"
            "（没有明确规定的写“以合同约定为准”等），阅卷人据此评分"
        )
    source = case.source[1] if case.source else ""
    if not source:
        problems.append(
            "没有出处：在情景之后、第一题之前写一行“出处：…”，写明案例来自哪份试题或文件；"
            "系统不会替你填写出处"
        )
    elif len(source) > MAX_SOURCE:
        problems.append(f"出处过长：最多 {MAX_SOURCE} 个字")
    if not case.items:
        problems.append("下面没有题目：题目以题号开头，如“1. 法院该怎么判？（4分）”")
    return [ContentError(name, case.line, f"{case.label}{p}") for p in problems]


def case_uid(case: WordCase) -> str:
    """A stable id from the case's own text: importing the same file again finds it again."""
    source = case.source[1] if case.source else ""
    content = [case.title, paragraphs(case.scenario), paragraphs(case.basis), source]
    text = json.dumps(content, ensure_ascii=False)
    return CASE_PREFIX + hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


def case_spec(case: WordCase, topic: str, name: str, questions: list[QuestionSpec]) -> CaseSpec:
    source = case.source[1] if case.source else ""
    mine = tuple(q for q in questions if q.case_id == case.uid)
    return CaseSpec(
        case.uid, case.title, topic, paragraphs(case.scenario), paragraphs(case.basis),
        source, mine, name, case.line,
    )  # fmt: skip
