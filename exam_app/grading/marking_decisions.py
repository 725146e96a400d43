"""What a double-marking decision says: the reason written into the score history, and the
per-criterion points a candidate is shown when the final mark rests on more than one review."""

from collections.abc import Mapping, Sequence
from decimal import Decimal

from .decimals import format_decimal, parse_decimal, quantise
from .double_marking import Reconciliation
from .errors import GradingError

_ORDINALS = ("一评", "二评", "三评")


def _points(value: object) -> Decimal:
    number = parse_decimal(value)
    if number is None:
        raise GradingError(f"评分 {value!r} 不是有效的数字")
    return number


def combined_criteria(reviews: Sequence[Mapping[str, object]]) -> dict[str, Decimal]:
    """Per criterion, the mean of the points the counted reviews gave (to 0.01).

    With one review this is that review; with an averaged pair the criteria add up to the
    averaged total (exactly when the step is 0.5 or coarser, as every shipped rubric is).
    """
    if not reviews:
        raise GradingError("没有可合并的评分")
    ids = list(reviews[0])
    if any(set(review) != set(ids) for review in reviews):
        raise GradingError("各评阅的评分项不一致，无法合并")
    count = Decimal(len(reviews))
    return {cid: quantise(sum(_points(r[cid]) for r in reviews) / count) for cid in ids}


def decision_reason(
    marks: Sequence[Decimal], tolerance: Decimal, rule: str, result: Reconciliation
) -> str:
    """The decision in words, for the score history (who gave which mark is kept apart)."""
    f = format_decimal
    shown = [_points(m) for m in marks]
    if len(shown) == 1:
        return f"单评：{f(shown[0])} 分"
    first, second = shown[0], shown[1]
    pair = f"一评 {f(first)}、二评 {f(second)}，相差 {f(abs(first - second))}"
    allowed = _points(tolerance)
    limit = f"阈值 {f(allowed)}"
    if abs(first - second) <= allowed:
        taken = "取较高分" if rule == "higher" else "取平均分"
        return f"双评：{pair}，未超过{limit}，{taken} {f(result.final)} 分"
    if len(shown) == 2:
        return f"双评：{pair}，超过{limit}，需三评"
    third = shown[2]
    head = f"双评：{pair}，超过{limit}；三评 {f(third)}"
    if result.final is None:
        gap = min(abs(first - third), abs(second - third))
        return f"{head}，与两评最小相差 {f(gap)}，仍超过{limit}，由培训负责人仲裁"
    partner = [i for i in result.basis if i != 2][0]
    return (
        f"{head}，与{_ORDINALS[partner]} {f(shown[partner])} 最接近"
        f"（相差 {f(abs(shown[partner] - third))}），取两者平均分 {f(result.final)} 分"
    )
