"""Item statistics with Moodle's quiz-statistics definitions (see grading-rules.md)."""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from .decimals import parse_decimal
from .errors import GradingError

# Moodle's thresholds for an item worth reviewing.
_LOWEST_EFFICIENCY = 15


@dataclass(frozen=True)
class ItemStats:
    facility: float | None  # F: mean mark as a percentage of the maximum
    sd: float | None  # SD: sample standard deviation as a percentage of the maximum
    discrimination: float | None  # D: correlation with the rest of the attempt, in %
    efficiency: float | None  # E: D relative to the best D these marks could reach, in %
    flagged: bool  # D < 0, E < 15, or D undefined (nobody or everybody scored)


def _exact(value: object) -> Fraction:
    number = parse_decimal(value)
    if number is None:
        raise GradingError(f"统计用的得分 {value!r} 不是有效的数字")
    return Fraction(number)


def _percent(value: float | Fraction | None) -> float | None:
    if value is None:
        return None
    rounded = Decimal(repr(float(value))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return float(rounded)


def _covariance(xs: list[Fraction], ys: list[Fraction]) -> Fraction:
    # Sample covariance (divide by n - 1); exact, so a zero is really zero.
    n = len(xs)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / (n - 1)


def _item(xs: list[Fraction], rests: list[Fraction], maximum: Fraction) -> ItemStats:
    n = len(xs)
    facility = 100 * sum(xs) / n / maximum if n and maximum else None
    if n < 2:
        return ItemStats(_percent(facility), None, None, None, True)
    var_x, var_rest = _covariance(xs, xs), _covariance(rests, rests)
    sd = 100 * math.sqrt(var_x) / maximum if maximum else None
    cov = _covariance(xs, rests)
    discrimination = efficiency = None
    if var_x and var_rest:
        discrimination = 100 * float(cov) / math.sqrt(var_x * var_rest)
        # Sorting both pairs the marks as well as they could be paired: the largest covariance.
        best = _covariance(sorted(xs), sorted(rests))
        efficiency = 100 * cov / best if best else None
    d, e = _percent(discrimination), _percent(efficiency)
    flagged = d is None or d < 0 or (e is not None and e < _LOWEST_EFFICIENCY)
    return ItemStats(_percent(facility), _percent(sd), d, e, flagged)


def item_statistics(
    marks: Sequence[Sequence[Decimal | float]], maxima: Sequence[Decimal | float]
) -> list[ItemStats]:
    """One ItemStats per item; marks holds one row per attempt, one mark per item."""
    limits = [_exact(maximum) for maximum in maxima]
    rows = [[_exact(mark) for mark in row] for row in marks]
    for number, row in enumerate(rows, start=1):
        if len(row) != len(limits):
            raise GradingError(f"第 {number} 份答卷有 {len(row)} 个得分，应为 {len(limits)} 个")
    totals = [sum(row, Fraction(0)) for row in rows]
    stats = []
    for index, maximum in enumerate(limits):
        xs = [row[index] for row in rows]
        rests = [total - x for total, x in zip(totals, xs, strict=True)]
        stats.append(_item(xs, rests, maximum))
    return stats
