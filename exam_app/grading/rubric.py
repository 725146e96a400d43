"""Rubric marking of reviewed items (简答 / 案例): a checked sum over criteria.

A criterion is marked either by free points (0 to its full marks, in whole steps) or by
levels (评分档次, e.g. 正确 / 部分正确 / 不正确): then the reviewer picks one level and the mark is
exactly that level's points. Levels are written best first, their points strictly falling
from the criterion's full marks to 0, so the points of a mark name its level without doubt:
a stored review keeps the points, and the level's label is read back from the frozen rubric
(level_for).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .decimals import ZERO, format_decimal, parse_decimal, quantise


class RubricError(ValueError):
    """A mark that the rubric does not allow; the message names the criterion in Chinese."""


MIN_LEVELS = 2
MAX_LEVELS = 6
MAX_LEVEL_LABEL = 12


@dataclass(frozen=True)
class Level:
    """One level of a criterion marked by levels: its label, its points, what earns it."""

    label: str
    points: Decimal
    description: str = ""


def level_problems(
    title: str, points: Decimal, step: Decimal, levels: Sequence[Level]
) -> list[tuple[int, str]]:
    """What is wrong with a criterion's levels: (which level, in Chinese); empty: nothing.

    The one rule book for content files, imports, the bank editor and the grader:
    2 to 6 levels with distinct, short labels; points in whole steps, strictly falling from
    the criterion's full marks (the best level) to 0 (the worst), so that every answer can be
    placed, from a full one to one with nothing right.
    """
    name = f"评分项“{title}”"
    problems: list[tuple[int, str]] = []
    if not MIN_LEVELS <= len(levels) <= MAX_LEVELS:
        return [(0, f"{name}的评分档次应有 {MIN_LEVELS}–{MAX_LEVELS} 个，现有 {len(levels)} 个")]
    seen: set[str] = set()
    values: list[Decimal] = []
    for n, level in enumerate(levels):
        label = level.label
        if not label.strip():
            problems.append((n, f"{name}有一个评分档次没有名称"))
        elif len(label) > MAX_LEVEL_LABEL:
            problems.append((n, f"{name}的档次名称“{label}”太长（最多 {MAX_LEVEL_LABEL} 个字）"))
        elif label in seen:
            problems.append((n, f"{name}的档次“{label}”重复"))
        seen.add(label)
        value = parse_decimal(level.points)
        values.append(ZERO if value is None else value)
        if value is None or value < 0:
            problems.append((n, f"{name}的档次“{label}”的分值无效"))
        elif value > points:
            problems.append(
                (
                    n,
                    f"{name}的档次“{label}”为 {format_decimal(value)} 分，"
                    f"超过该项满分 {format_decimal(points)} 分",
                )
            )
        elif value % step:
            problems.append(
                (
                    n,
                    f"{name}的档次“{label}”的分值 {format_decimal(value)} "
                    f"不是步长 {format_decimal(step)} 的整数倍",
                )
            )
    if problems:
        return problems
    for i in range(1, len(levels)):
        if values[i] >= values[i - 1]:
            problems.append(
                (
                    i,
                    f"{name}的评分档次要按分值从高到低写：“{levels[i].label}”"
                    f"（{format_decimal(values[i])} 分）不能写在“{levels[i - 1].label}”"
                    f"（{format_decimal(values[i - 1])} 分）之后",
                )
            )
    if problems:
        return problems
    if values[0] != points:
        problems.append(
            (
                0,
                f"{name}的最高档次“{levels[0].label}”应为该项满分 {format_decimal(points)} 分，"
                f"现为 {format_decimal(values[0])} 分",
            )
        )
    if values[-1] != 0:
        problems.append(
            (
                len(levels) - 1,
                f"{name}的最低档次“{levels[-1].label}”应为 0 分（一无可取的答案也要有档可评），"
                f"现为 {format_decimal(values[-1])} 分",
            )
        )
    return problems


@dataclass(frozen=True)
class Criterion:
    id: str
    title: str
    points: Decimal  # the most this criterion can give
    step: Decimal = Decimal("0.5")  # marks must be whole multiples of this
    levels: tuple[Level, ...] = ()  # when given, the mark is one of these levels' points

    def __post_init__(self) -> None:
        # Accept "6" or 6 from forms and seeds, but store Decimals.
        for name in ("points", "step"):
            value = parse_decimal(getattr(self, name))
            if value is None or value < 0 or (name == "step" and value == 0):
                raise RubricError(
                    f"评分项「{self.title}」的{'满分' if name == 'points' else '步长'}无效"
                )
            object.__setattr__(self, name, value)
        if self.levels:
            problems = level_problems(self.title, self.points, self.step, self.levels)
            if problems:
                raise RubricError(problems[0][1])
            levels = tuple(
                Level(lv.label, parse_decimal(lv.points) or ZERO, lv.description)
                for lv in self.levels
            )
            object.__setattr__(self, "levels", levels)

    def level_for(self, points: object) -> Level | None:
        """The level these points stand for (None: not marked by levels, or no such level)."""
        value = parse_decimal(points)
        return next((level for level in self.levels if level.points == value), None)


def _choices(criterion: Criterion) -> str:
    return "、".join(f"{lv.label} {format_decimal(lv.points)} 分" for lv in criterion.levels)


def _mark(criterion: Criterion, raw: object) -> Decimal:
    title = criterion.title
    value = parse_decimal(raw)
    if value is None:
        raise RubricError(f"「{title}」的得分「{raw}」不是有效的数字")
    if not ZERO <= value <= criterion.points:
        raise RubricError(
            f"「{title}」的得分 {format_decimal(value)} 超出范围 0–{format_decimal(criterion.points)}"
        )
    if criterion.levels:
        if criterion.level_for(value) is None:
            raise RubricError(
                f"「{title}」按档次评分，{format_decimal(value)} 分不是其中任何一档"
                f"（可选：{_choices(criterion)}）"
            )
        return value
    if value % criterion.step != 0:
        raise RubricError(
            f"「{title}」的得分 {format_decimal(value)} 不是 {format_decimal(criterion.step)} 的整数倍"
        )
    return value


def rubric_total(criteria: Sequence[Criterion], given: Mapping[str, Decimal | str]) -> Decimal:
    """Sum of the marks given per criterion, each checked against the rubric.

    Every criterion must be marked; marks for unknown criteria are refused rather than dropped,
    because they mean the reviewer's form and the rubric disagree.
    """
    by_id: dict[str, Criterion] = {}
    for criterion in criteria:
        if criterion.id in by_id:
            raise RubricError(f"评分项编号重复：{criterion.id}（「{criterion.title}」）")
        by_id[criterion.id] = criterion
    unknown = [str(key) for key in given if key not in by_id]
    if unknown:
        raise RubricError(f"未知的评分项：{'、'.join(unknown)}")
    total = ZERO
    for criterion in criteria:
        raw = given.get(criterion.id)
        # An empty form field is a criterion not marked yet, not a bad number.
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            raise RubricError(f"「{criterion.title}」尚未评分")
        total += _mark(criterion, raw)
    return quantise(total)


def criteria_from_rubric(rubric: Sequence[Mapping[str, object]]) -> list[Criterion]:
    """Criteria from a rubric as stored (bank rows and attempt snapshots): plain JSON dicts,
    levels under "levels" when the criterion is marked by levels."""
    return [
        Criterion(
            id=str(c["id"]),
            title=str(c["title"]),
            points=c["points"],  # type: ignore[arg-type]  # parsed in __post_init__
            step=c.get("step", "0.5"),  # type: ignore[arg-type]
            levels=tuple(
                Level(str(lv["label"]), lv["points"], str(lv.get("description", "")))
                for lv in c.get("levels") or ()  # type: ignore[union-attr]
            ),
        )
        for c in rubric
    ]


def level_label(criterion: Mapping[str, object], points: object) -> str | None:
    """The label of the level a mark stands for in a stored criterion ("部分正确"), or None:
    the criterion has no levels, or the mark is none of them (the mean of two markers)."""
    value = parse_decimal(points)
    if value is None:
        return None
    for level in criterion.get("levels") or ():  # type: ignore[attr-defined]
        if parse_decimal(level["points"]) == value:
            return str(level["label"])
    return None


def levels_chosen(criteria: Sequence[Criterion], given: Mapping[str, object]) -> str:
    """The levels a set of marks chose, for the score history: "业务知识 部分正确；…" ("" when
    no criterion is marked by levels)."""
    parts = []
    for criterion in criteria:
        level = criterion.level_for(given.get(criterion.id)) if criterion.levels else None
        if level is not None:
            parts.append(f"{criterion.title} {level.label}")
    return "；".join(parts)
