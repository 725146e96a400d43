"""Build a QuestionSpec from structured fields: the one rule book for Excel, GIFT, Aiken and forms.

The Markdown parser reads text lines; importers and the edit forms already have separate
fields (an option's text, its flag, its weight). They all come here, so an item made in any
of them is checked by the same rules as a content file, and gets the same grader key.
Problems name the field (the Excel column name), so each front end can say where.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from exam_app.grading.rubric import Level, level_problems

from .kinds import ALT_SPLIT_RE, ANY_BRACES_RE, BLANK_RE, DEFAULT_STEP, LABELS, ONE, WEIGHT_SLACK
from .lines import GROUP_KINDS, ID_RE, nfkc, parse_group, percent_prefix
from .model import KINDS, Criterion, Option, QuestionSpec, fmt_decimal
from .question import KIND_LABEL, MAX_SOURCE, MAX_TOPIC

MULTI_RULES = ("exact", "half", "per_option", "weighted")
FILL_RULES = ("per_blank", "all_or_nothing")
MAX_POINTS = Decimal("9999.99")
MAX_TEXT = 20000
# Control characters other than tab and newline break Excel and XML; refuse them at the door.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Problem:
    field: str  # the Excel column / form field it is about, e.g. "答案"
    message: str  # Chinese
    warning: bool = False  # imported as a draft, but cannot be marked reviewed


@dataclass
class DraftOption:
    text: str
    correct: bool
    weight: Decimal | None = None  # fraction; only for the weighted rule


class DraftCriterion(NamedTuple):
    """A rubric criterion as typed: levels (评分档次) best first, or none for free points."""

    title: str
    points: Decimal | None
    key_points: tuple[str, ...]
    levels: tuple[Level, ...] = ()


@dataclass
class Draft:
    """An item as separate fields; everything optional so that partial input can be checked."""

    id: str = ""
    kind: str = ""
    topic: str = ""
    difficulty: int | None = 3
    points: Decimal | None = None
    stem: str = ""
    options: list[DraftOption] = field(default_factory=list)
    answer: bool | None = None  # 判断
    blanks: list[list[tuple[str, Decimal]]] = field(default_factory=list)  # 填空
    any_order: bool = False
    rule: str | None = None
    explanation: str = ""
    source: str = ""
    tags: tuple[str, ...] = ()
    rubric: list[DraftCriterion] = field(default_factory=list)
    step: Decimal | None = None
    reference_answer: str = ""
    guidance: str = ""
    case_id: str | None = None
    exclusion_group: str = ""  # 互斥组; empty: none


def draft_from_spec(spec: QuestionSpec) -> Draft:
    """The inverse of build(): what an edit form or an exporter starts from."""
    blanks = [[(text, Decimal(weight)) for text, weight in b] for b in spec.key.get("blanks", [])]
    return Draft(
        id=spec.id,
        kind=spec.kind,
        topic=spec.topic,
        difficulty=spec.difficulty,
        points=spec.points,
        stem=spec.stem,
        options=[DraftOption(o.text, o.correct, o.weight) for o in spec.options],
        answer=spec.key.get("answer") if spec.kind == "tf" else None,
        blanks=blanks,
        any_order=bool(spec.key.get("any_order", False)),
        rule=spec.rule,
        explanation=spec.explanation,
        source=spec.source,
        tags=spec.tags,
        rubric=[DraftCriterion(c.title, c.points, c.key_points, c.levels) for c in spec.rubric],
        step=spec.rubric[0].step if spec.rubric else None,
        reference_answer=spec.reference_answer,
        guidance=spec.guidance,
        case_id=spec.case_id,
        exclusion_group=spec.exclusion_group or "",
    )


def count_blanks(stem: str) -> int:
    return len({int(m.group(1)) for m in BLANK_RE.finditer(stem)})


def blanks_from_text(text: str) -> list[list[tuple[str, Decimal]]]:
    """Fill-in answers as typed in Excel and in the form: one line per blank, the accepted
    forms of a blank separated by "|", a partial-credit form written "(50%) 写法"."""
    blanks = []
    for line in text.replace("\r", "").split("\n"):
        if line.strip():
            alternatives = []
            for raw in ALT_SPLIT_RE.split(line):
                weight, answer = percent_prefix(raw.strip())
                alternatives.append((answer, ONE if weight is None else weight))
            blanks.append(alternatives)
    return blanks


def blanks_text(blanks: list[list[tuple[str, Decimal]]]) -> str:
    return "\n".join(
        " | ".join(t if w == ONE else f"({fmt_decimal(w * 100)}%) {t}" for t, w in blank)
        for blank in blanks
    )


def build(draft: Draft, file: str = "", line: int = 0) -> tuple[QuestionSpec | None, list[Problem]]:
    """Check every field; a spec only when there is no error (warnings allowed)."""
    out: list[Problem] = []

    def bad(where: str, message: str) -> None:
        out.append(Problem(where, message))

    if not ID_RE.match(draft.id or ""):
        bad(
            "编号",
            f"编号“{draft.id}”不合规：只能用小写字母、数字和连字符，以字母或数字开头，最长 80 个字符",
        )
    kind = draft.kind
    if kind not in KINDS:
        bad("题型", "题型应为单选、多选、判断、填空或简答")
    topic = (draft.topic or "").strip()
    if not 0 < len(topic) <= MAX_TOPIC:
        bad("知识点", f"知识点应为 1 到 {MAX_TOPIC} 个字")
    if draft.difficulty not in (1, 2, 3, 4, 5):
        bad("难度", "难度应为 1 到 5 的整数")
    points = draft.points
    if not _points_ok(points):
        bad("分值", "分值应为正数（最多两位小数）")
        points = None
    if len(draft.source) > MAX_SOURCE:
        bad("出处", f"出处过长（{len(draft.source)} 字），最多 {MAX_SOURCE} 字")
    if draft.case_id is not None and not ID_RE.match(draft.case_id):
        bad("案例编号", f"案例编号“{draft.case_id}”不合规：只能用小写字母、数字和连字符")
    stem = draft.stem.strip("\n")
    if not stem.strip():
        bad("题干", "题干为空")
    texts = {
        "题干": stem,
        "解析": draft.explanation,
        "参考答案": draft.reference_answer,
        "评分说明": draft.guidance,
        "出处": draft.source,
        "知识点": topic,
    }
    for where, text in texts.items():
        if CONTROL_RE.search(text):
            bad(where, "含有不可见的控制字符，请删除后重试")
        elif len(text) > MAX_TEXT:
            bad(where, f"内容过长，最多 {MAX_TEXT} 字")
    if kind not in KINDS:
        return None, out
    if kind != "fill":
        for match in ANY_BRACES_RE.finditer(stem):
            bad("题干", f"只有填空题才能用填空标记 {match.group(0)}")
    if kind not in ("single", "multi") and draft.options:
        bad("选项", f"{KIND_LABEL[kind]}题不需要选项")
    options: tuple[Option, ...] = ()
    key: dict = {}
    rule: str | None = None
    rubric: tuple[Criterion, ...] = ()
    if kind in ("single", "multi"):
        options, key, rule = _choice(draft, bad)
    elif kind == "tf":
        if draft.answer is None:
            bad("答案", "判断题的答案应为“正确”或“错误”")
        key = {"answer": bool(draft.answer)}
    elif kind == "fill":
        key, rule = _fill(draft, stem, bad)
    else:
        rubric = _essay(draft, points, bad, out)
    if kind not in ("multi", "fill") and draft.rule:
        bad("评分", f"“评分”只用于多选、填空题，本题是{KIND_LABEL[kind]}题")
    group, problem = parse_group(draft.exclusion_group or "")
    if problem:
        bad("互斥组", problem)
    elif group is not None and kind not in GROUP_KINDS:
        bad("互斥组", f"“互斥组”只用于单选、多选、判断、填空题，本题是{KIND_LABEL[kind]}题")
    if any(not p.warning for p in out):
        return None, out
    assert points is not None
    return (
        QuestionSpec(
            id=draft.id,
            kind=kind,
            topic=topic,
            difficulty=int(draft.difficulty or 3),
            points=points,
            stem=stem,
            options=options,
            key=key,
            rule=rule,
            explanation=draft.explanation.strip("\n"),
            source=draft.source.strip(),
            tags=tuple(dict.fromkeys(t.strip() for t in draft.tags if t.strip())),
            rubric=rubric,
            reference_answer=draft.reference_answer.strip("\n"),
            guidance=draft.guidance.strip("\n"),
            case_id=draft.case_id,
            file=file,
            line=line,
            exclusion_group=group,
        ),
        out,
    )


def _points_ok(value) -> bool:
    return (
        isinstance(value, Decimal)
        and value.is_finite()
        and 0 < value <= MAX_POINTS
        and value == value.quantize(Decimal("0.01"))
    )


def _choice(draft: Draft, bad) -> tuple[tuple[Option, ...], dict, str | None]:
    kind = draft.kind
    read = draft.options
    if len(read) > len(LABELS):
        bad("选项", f"选项太多：最多 {len(LABELS)} 个")
        return (), {}, None
    seen: set[str] = set()
    for n, option in enumerate(read):
        label = LABELS[n]
        if not option.text.strip():
            bad("选项", f"选项{label}内容为空")
        elif option.text in seen:
            bad("选项", f"选项{label}与前面的选项相同")
        elif CONTROL_RE.search(option.text) or len(option.text) > MAX_TEXT:
            bad("选项", f"选项{label}含有控制字符或过长")
        seen.add(option.text)
    correct = [LABELS[n] for n, o in enumerate(read) if o.correct]
    if kind == "single":
        if len(read) < 2:
            bad("选项", f"单选题至少要有 2 个选项（现有 {len(read)} 个）")
        if len(correct) != 1:
            bad("答案", f"单选题只能有 1 个正确答案（现有 {len(correct)} 个）")
        if any(o.weight is not None for o in read):
            bad("权重", "只有“按权重”评分的多选题才能给选项写权重")
        options = tuple(Option(LABELS[n], o.text, o.correct) for n, o in enumerate(read))
        return options, {"answer": correct[0] if correct else ""}, None
    rule = draft.rule or "exact"
    if rule not in MULTI_RULES:
        bad("评分", "多选题的评分应为：少选不得分、少选得一半分、少选按选项得分、按权重")
    if len(read) < 3:
        bad("选项", f"多选题至少要有 3 个选项（现有 {len(read)} 个）")
    if len(correct) < 2:
        bad("答案", f"多选题至少要有 2 个正确答案（现有 {len(correct)} 个）")
    weighted = rule == "weighted"
    if weighted:
        _weights(read, bad)
    elif any(o.weight is not None for o in read):
        bad("权重", "只有“按权重”评分的多选题才能给选项写权重")
    options = tuple(
        Option(LABELS[n], o.text, o.correct, (o.weight or Decimal(0)) if weighted else None)
        for n, o in enumerate(read)
    )
    key: dict = {"answers": correct}
    if weighted:
        key["weights"] = {o.label: fmt_decimal(o.weight or Decimal(0)) for o in options}
    return options, key, rule


def _weights(read: list[DraftOption], bad) -> None:
    total = Decimal(0)
    for n, o in enumerate(read):
        label, weight = LABELS[n], o.weight
        if weight is not None and not (weight.is_finite() and -ONE <= weight <= ONE):
            bad("权重", f"选项{label}的权重应在 -100% 到 100% 之间")
        elif o.correct and (weight is None or weight <= 0):
            bad("权重", f"按权重评分时，正确选项{label}要有大于 0 的权重")
        elif not o.correct and weight is not None and weight > 0:
            bad("权重", f"错误选项{label}的权重不能大于 0（可写 0 或负数）")
        elif o.correct and weight is not None:
            total += weight
    if total and abs(total - ONE) > WEIGHT_SLACK:
        bad("权重", f"正确选项的权重合计为 {fmt_decimal(total * 100)}%，应为 100%")


def _fill(draft: Draft, stem: str, bad) -> tuple[dict, str | None]:
    rule = draft.rule or "per_blank"
    if rule not in FILL_RULES:
        bad("评分", "填空题的评分应为：逐空给分、全对才得分")
    numbers: list[int] = []
    for match in ANY_BRACES_RE.finditer(stem):
        blank = BLANK_RE.fullmatch(match.group(0))
        if blank is None:
            bad("题干", f"填空标记“{match.group(0)}”写法不对，应为 {{{{1}}}}、{{{{2}}}} …")
        else:
            numbers.append(int(blank.group(1)))
    if not numbers:
        bad("题干", "填空题的题干中没有填空标记，如 {{1}}")
    elif len(set(numbers)) != len(numbers):
        bad("题干", "填空标记重复：每个空只标一次")
    elif sorted(numbers) != list(range(1, len(numbers) + 1)):
        bad("题干", "填空标记应从 {{1}} 起连续编号")
    if numbers and len(draft.blanks) != len(set(numbers)):
        bad(
            "答案",
            f"题干有 {len(set(numbers))} 个空，答案写了 {len(draft.blanks)} 空：每空一行，"
            "同一空的几种写法用 | 分隔",
        )
    blanks = []
    for n, alternatives in enumerate(draft.blanks, start=1):
        blanks.append([[text, fmt_decimal(weight)] for text, weight in alternatives])
        texts = [text for text, _ in alternatives]
        if not alternatives or any(not nfkc(t).rstrip("。.").strip() for t in texts):
            bad("答案", f"第 {n} 空有空白的答案（检查多余的 | ）")
        elif len(set(texts)) != len(texts):
            bad("答案", f"第 {n} 空有重复的答案")
        elif any("|" in t or "｜" in t or "\n" in t or CONTROL_RE.search(t) for t in texts):
            bad("答案", f"第 {n} 空的答案不能含有 |、换行或控制字符")
        elif not all(w.is_finite() and 0 < w <= ONE for _, w in alternatives):
            bad("答案", f"第 {n} 空的答案权重应在 0% 到 100% 之间（不含 0）")
        elif all(w != ONE for _, w in alternatives):
            bad("答案", f"第 {n} 空没有满分答案：至少一个答案是 100%")
    return {"blanks": blanks, "any_order": bool(draft.any_order)}, rule


def _essay(draft: Draft, points: Decimal | None, bad, out: list[Problem]) -> tuple[Criterion, ...]:
    step = DEFAULT_STEP if draft.step is None else draft.step
    if not (step.is_finite() and 0 < step <= 100 and step == step.quantize(Decimal("0.01"))):
        bad("步长", "“步长”应为正数，如 0.5 或 1")
        step = DEFAULT_STEP
    criteria: list[Criterion] = []
    for n, entry in enumerate(draft.rubric, start=1):
        # Plain (title, points, key points) tuples are criteria without levels.
        title, value, key_points, levels = DraftCriterion(*entry)
        name = title.strip() or f"第 {n} 项"
        if not title.strip():
            bad("评分标准", f"评分标准第 {n} 项没有标题")
        elif not _points_ok(value):
            bad("评分标准", f"评分项“{name}”的分值应为正数（最多两位小数）")
        elif value % step:
            bad(
                "评分标准",
                f"评分项“{name}”的分值 {fmt_decimal(value)} 不是步长 {fmt_decimal(step)} 的整数倍",
            )
        elif not [k for k in key_points if k.strip()]:
            bad("评分标准", f"评分项“{name}”没有列出要点")
        elif any(CONTROL_RE.search(t) or "\n" in t for t in (title, *key_points)):
            bad("评分标准", f"评分项“{name}”不能含有换行或控制字符")
        elif levels and (problem := _level_problem(name, value, step, levels)):
            bad("评分标准", problem)
        else:
            keys = tuple(k.strip() for k in key_points if k.strip())
            criteria.append(
                Criterion(f"c{len(criteria) + 1}", title.strip(), value, step, keys, levels)
            )
    total = sum((c.points for c in criteria), Decimal(0))
    if criteria and points is not None and total != points and len(criteria) == len(draft.rubric):
        bad(
            "评分标准",
            f"评分标准各项合计 {fmt_decimal(total)} 分，与题目分值 {fmt_decimal(points)} 分不一致",
        )
    if not draft.rubric:
        out.append(Problem("评分标准", "简答题还没有评分标准：补充后才能审核", warning=True))
    if not draft.reference_answer.strip():
        out.append(Problem("参考答案", "简答题还没有参考答案：补充后才能审核", warning=True))
    return tuple(criteria)


def _level_problem(name: str, value: Decimal, step: Decimal, levels: tuple[Level, ...]) -> str:
    """The first thing wrong with a criterion's levels, or ""."""
    for level in levels:
        texts = (level.label, level.description)
        if any(CONTROL_RE.search(t) or "\n" in t for t in texts):
            return f"评分项“{name}”的档次不能含有换行或控制字符"
        if not level.description.strip():
            return f"评分项“{name}”的档次“{level.label}”没有写明什么样的答案得这一档"
    problems = level_problems(name, value, step, levels)
    return problems[0][1] if problems else ""


def case_problems(
    uid: str, title: str, topic: str, source: str, scenario: str, basis: str
) -> list[Problem]:
    """A case's own fields, checked as a case file's header and sections are."""
    checks = [
        ("案例编号", not ID_RE.match(uid), "案例编号只能用小写字母、数字和连字符"),
        ("标题", not 0 < len(title.strip()) <= 200, "标题应为 1 到 200 个字"),
        ("知识点", not 0 < len(topic.strip()) <= MAX_TOPIC, f"知识点应为 1 到 {MAX_TOPIC} 个字"),
        ("出处", not 0 < len(source.strip()) <= MAX_SOURCE, f"出处应为 1 到 {MAX_SOURCE} 个字"),
        ("情景", not scenario.strip(), "案例缺少情景"),
        ("依据", not basis.strip(), "案例缺少依据"),
    ]
    found = [Problem(where, message) for where, failed, message in checks if failed]
    for where, text in (("情景", scenario), ("依据", basis), ("标题", title)):
        if CONTROL_RE.search(text) or len(text) > MAX_TEXT:
            found.append(Problem(where, "含有控制字符或过长"))
    return found
