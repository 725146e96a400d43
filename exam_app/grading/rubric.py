"""Rubric marking of reviewed items (简答 / 案例): a checked sum over criteria."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .decimals import ZERO, format_decimal, parse_decimal, quantise


class RubricError(ValueError):
    """A mark that the rubric does not allow; the message names the criterion in Chinese."""


@dataclass(frozen=True)
class Criterion:
    id: str
    title: str
    points: Decimal  # the most this criterion can give
    step: Decimal = Decimal("0.5")  # marks must be whole multiples of this

    def __post_init__(self) -> None:
        # Accept "6" or 6 from forms and seeds, but store Decimals.
        for name in ("points", "step"):
            value = parse_decimal(getattr(self, name))
            if value is None or value < 0 or (name == "step" and value == 0):
                raise RubricError(
                    f"评分项「{self.title}」的{'满分' if name == 'points' else '步长'}无效"
                )
            object.__setattr__(self, name, value)


def _mark(criterion: Criterion, raw: object) -> Decimal:
    title = criterion.title
    value = parse_decimal(raw)
    if value is None:
        raise RubricError(f"「{title}」的得分「{raw}」不是有效的数字")
    if not ZERO <= value <= criterion.points:
        raise RubricError(
            f"「{title}」的得分 {format_decimal(value)} 超出范围 0–{format_decimal(criterion.points)}"
        )
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
