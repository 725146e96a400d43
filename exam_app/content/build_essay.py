"""Essay items (简答) as typed: the rubric's criteria and their levels, checked for build.py."""

from __future__ import annotations

from decimal import Decimal

from exam_app.grading.rubric import Level, level_problems

from .draft import CONTROL_RE, Draft, DraftCriterion, Problem, points_ok
from .kinds import DEFAULT_STEP
from .model import Criterion, fmt_decimal


def rubric_criteria(
    draft: Draft, points: Decimal | None, bad, out: list[Problem]
) -> tuple[Criterion, ...]:
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
        elif not points_ok(value):
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
