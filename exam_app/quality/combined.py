"""The quarterly combined score (综合考核): the exam, the service-quality score and a rating.

客户服务考核管理办法 combines 定量 (measured: here the quarter's exam result and the
service-quality points) with 定性 (a rating entered by the superior) into one score. Every
part is on a 100-point scale; the lead sets the weights per quarter (e.g. 40/40/20).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .errors import QualityError

HUNDRED = Decimal(100)
ZERO = Decimal(0)
TENTH = Decimal("0.1")
CENT = Decimal("0.01")
# The names users see for the three parts, in the order they are shown.
PART_NAMES = {"exam": "考试成绩", "quality": "服务质量", "rating": "定性评价"}


def _decimal(value: object, name: str) -> Decimal:
    # Floats go through str() so that 33.3 means 33.3; bools are not numbers here.
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float | str):
        raise QualityError(f"{name}应为数字，不是“{value}”")
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        raise QualityError(f"{name}应为数字，不是“{value}”") from None
    if not number.is_finite():
        raise QualityError(f"{name}应为数字，不是“{value}”")
    return number


@dataclass(frozen=True)
class Weights:
    """Percentages of the three parts; they must add up to exactly 100."""

    exam: Decimal
    quality: Decimal
    rating: Decimal

    def __post_init__(self) -> None:
        for key, name in PART_NAMES.items():
            number = _decimal(getattr(self, key), f"{name}权重")
            if number < 0 or number > HUNDRED:
                raise QualityError(f"{name}权重应在 0 到 100 之间，不是 {number}")
            if number != number.quantize(CENT):
                raise QualityError(f"{name}权重最多保留两位小数，不是 {number}")
            object.__setattr__(self, key, number)
        total = self.exam + self.quality + self.rating
        if total != HUNDRED:
            raise QualityError(
                f"三项权重合计应为 100，现在是 {self.exam} + {self.quality} + {self.rating}"
                f" = {total.normalize():f}"
            )


def quality_score(
    deducted: int, added: int, base: Decimal = HUNDRED, cap: Decimal = HUNDRED
) -> Decimal:
    """The quarter's service-quality score: base − deductions + bonuses, kept within 0..cap.

    deducted and added are the quarter's point totals, both given as positive numbers (the
    monthly summaries' `deducted` and `added`). Unlike fines, bonuses do count here: selling
    特约服务 earns back points lost elsewhere, but never lifts the score above cap, so the
    part stays on the 100-point scale the combined score expects.
    """
    if isinstance(deducted, bool) or not isinstance(deducted, int) or deducted < 0:
        raise QualityError(f"扣分合计应为不小于 0 的整数，不是“{deducted}”")
    if isinstance(added, bool) or not isinstance(added, int) or added < 0:
        raise QualityError(f"加分合计应为不小于 0 的整数，不是“{added}”")
    base = _decimal(base, "基础分")
    cap = _decimal(cap, "最高分")
    if cap <= 0:
        raise QualityError(f"最高分应大于 0，不是 {cap}")
    return min(max(base - deducted + added, ZERO), cap)


@dataclass(frozen=True)
class CombinedScore:
    exam: Decimal | None  # the parts as given, on a 100-point scale
    quality: Decimal | None
    rating: Decimal | None
    weights: Weights
    exam_weighted: Decimal | None  # part × weight / 100, to 0.01; None when the part is missing
    quality_weighted: Decimal | None
    rating_weighted: Decimal | None
    total: Decimal | None  # to 0.1; None while a part with a weight above 0 is missing
    missing: tuple[str, ...]  # Chinese names of the missing parts that carry weight

    @property
    def parts(self) -> tuple[tuple[str, Decimal | None, Decimal, Decimal | None], ...]:
        """(name, part, weight, weighted) for each part, in display order."""
        return tuple(
            (name, getattr(self, key), getattr(self.weights, key), getattr(self, f"{key}_weighted"))
            for key, name in PART_NAMES.items()
        )


def combined_score(
    exam_percent: Decimal | None,
    quality: Decimal | None,
    rating: Decimal | None,
    weights: Weights,
) -> CombinedScore:
    """Weight the three parts into one score.

    A part with weight 0 may be missing (a quarter without an exam, say): it then simply does
    not count. A missing part that carries weight leaves the total empty rather than counting
    it as 0, which would look like a real, very low score in the staff file and in pay.
    """
    given = {"exam": exam_percent, "quality": quality, "rating": rating}
    parts: dict[str, Decimal | None] = {}
    weighted: dict[str, Decimal | None] = {}
    missing: list[str] = []
    exact = ZERO
    for key, name in PART_NAMES.items():
        weight = getattr(weights, key)
        value = given[key]
        if value is None:
            parts[key] = weighted[key] = None
            if weight:
                missing.append(name)
            continue
        number = _decimal(value, name)
        if number < 0 or number > HUNDRED:
            raise QualityError(f"{name}应在 0 到 100 之间，不是 {number}")
        contribution = number * weight / HUNDRED
        parts[key] = number
        weighted[key] = contribution.quantize(CENT, rounding=ROUND_HALF_UP)
        exact += contribution
    total = None if missing else exact.quantize(TENTH, rounding=ROUND_HALF_UP)
    return CombinedScore(
        exam=parts["exam"],
        quality=parts["quality"],
        rating=parts["rating"],
        weights=weights,
        exam_weighted=weighted["exam"],
        quality_weighted=weighted["quality"],
        rating_weighted=weighted["rating"],
        total=total,
        missing=tuple(missing),
    )
