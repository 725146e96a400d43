"""Build a QuestionSpec from structured fields: the one rule book for Excel, GIFT, Aiken and forms.

The Markdown parser reads text lines; importers and the edit forms already have separate
fields (an option's text, its flag, its weight: draft.py). They all come here, so an item made in any
of them is checked by the same rules as a content file, and gets the same grader key.
Problems name the field (the Excel column name), so each front end can say where. Each
kind's own rules: choices here, fill-in blanks in build_fill.py, essay rubrics in
build_essay.py.
"""

from __future__ import annotations

from decimal import Decimal

from exam_app.grading import MULTI_RULES

from .build_essay import rubric_criteria
from .build_fill import blanks_from_text, blanks_text, fill_key
from .draft import CONTROL_RE, Draft, DraftCriterion, DraftOption, Problem, points_ok
from .kinds import ANY_BRACES_RE, LABELS, ONE, WEIGHT_SLACK
from .lines import GROUP_KINDS, ID_RE, parse_group
from .model import KINDS, Criterion, Option, QuestionSpec, fmt_decimal
from .question import KIND_LABEL, MAX_SOURCE, MAX_TOPIC

# The fields as typed (draft.py) and the fill-in text helpers (build_fill.py) are imported
# from here by the front ends: this module is their door.
__all__ = ["Draft", "DraftCriterion", "DraftOption", "Problem", "blanks_from_text",
           "blanks_text", "build", "case_problems", "draft_from_spec"]  # fmt: skip

MAX_TEXT = 20000


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
    if not points_ok(points):
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
        key, rule = fill_key(draft, stem, bad)
    else:
        rubric = rubric_criteria(draft, points, bad, out)
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
