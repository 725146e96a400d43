"""Decimal helpers shared by the scorers: parsing, rounding to cents, validating points."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from .errors import GradingError

ZERO = Decimal(0)
ONE = Decimal(1)
CENT = Decimal("0.01")
# Far above any real item; keeps quantize() inside the default 28-digit context.
MAX_POINTS = Decimal(1_000_000)


def parse_decimal(value: object) -> Decimal | None:
    """Return value as a finite Decimal, or None when it is not a number.

    Floats go through str() so that 0.1 means 0.1, not its binary approximation;
    bools are refused because True would silently mean 1.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int | float | str):
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            return None
    else:
        return None
    return number if number.is_finite() else None


# Weights in keys are short strings repeated across thousands of attempts; parsing them once
# is a large part of the fill-in hot path.
cached_decimal = lru_cache(maxsize=4096, typed=True)(parse_decimal)


def quantise(value: Decimal) -> Decimal:
    """Round to 0.01, halves away from zero (四舍五入)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@lru_cache(maxsize=1024, typed=True)
def checked_points(points: object) -> Decimal:
    """Validate an item's points: a number in [0, MAX_POINTS] with at most two decimals.

    Whole cents are required so that a full score, rounded to 0.01, never exceeds the points.
    """
    number = parse_decimal(points)
    if number is None or number < 0 or number > MAX_POINTS:
        raise GradingError(f"分值无效：{points!r}，应为 0 到 {MAX_POINTS} 之间的数")
    rounded = quantise(number)
    if rounded != number:
        raise GradingError(f"分值 {number} 最多保留两位小数")
    return rounded


def format_decimal(value: Decimal) -> str:
    """Plain notation without needless trailing zeros: 6.0 -> "6", 0.50 -> "0.5"."""
    text = f"{value.normalize():f}"
    return "0" if text in ("-0", "0") else text
