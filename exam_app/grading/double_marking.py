"""Reconciling independent reviewers' marks (双评 / 三评 / 仲裁) as in grading-rules.md."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .decimals import parse_decimal, quantise
from .errors import GradingError

RECONCILE_RULES: dict[str, str] = {"average": "取平均分", "higher": "取较高分"}
_TWO = Decimal(2)


@dataclass(frozen=True)
class Reconciliation:
    final: Decimal | None  # None while another mark is needed
    needs: str | None  # None, "third" (a third reviewer) or "arbitration" (the lead decides)
    basis: tuple[int, ...]  # indexes into marks of the marks the final rests on


def _checked(value: object, what: str) -> Decimal:
    number = parse_decimal(value)
    if number is None or number < 0:
        raise GradingError(f"{what} {value!r} 无效，应为不小于 0 的数")
    return number


def _average(marks: list[Decimal], first: int, second: int) -> Reconciliation:
    return Reconciliation(quantise((marks[first] + marks[second]) / _TWO), None, (first, second))


def reconcile(
    marks: Sequence[Decimal],
    tolerance: Decimal,
    rule: str = "average",
    arbitration: Decimal | None = None,
) -> Reconciliation:
    """The final mark of a doubly marked answer, or which further mark is needed.

    One mark is single marking. With two, marks within the tolerance give the paper's rule
    (average or higher); otherwise a third reviewer is needed. With three, the third mark pairs
    with the closer of the first two and the pair's average is final when within tolerance
    (the notes say average here whatever the rule); otherwise the lead arbitrates. An
    arbitration mark, once given, is final.
    """
    if rule not in RECONCILE_RULES:
        raise GradingError(
            f"未知的双评规则：{rule!r}，可选：average（取平均分）、higher（取较高分）"
        )
    limit = _checked(tolerance, "双评误差阈值")
    values = [_checked(mark, "评分") for mark in marks]
    if arbitration is not None:
        return Reconciliation(quantise(_checked(arbitration, "仲裁分")), None, ())
    if not values:
        raise GradingError("尚无评分，无法确定最终得分")
    if len(values) > 3:
        raise GradingError("评分超过三次时须由阅卷组长仲裁")
    if len(values) == 1:
        return Reconciliation(quantise(values[0]), None, (0,))
    first, second = values[0], values[1]
    if abs(first - second) <= limit:
        if rule == "average":
            return _average(values, 0, 1)
        higher = 0 if first >= second else 1
        return Reconciliation(quantise(values[higher]), None, (higher,))
    if len(values) == 2:
        return Reconciliation(None, "third", ())
    third = values[2]
    gap_first, gap_second = abs(first - third), abs(second - third)
    # On a tie, the pair with the higher average: the doubt goes to the candidate.
    closer = 0 if gap_first < gap_second or (gap_first == gap_second and first > second) else 1
    if min(gap_first, gap_second) <= limit:
        return _average(values, closer, 2)
    return Reconciliation(None, "arbitration", ())
