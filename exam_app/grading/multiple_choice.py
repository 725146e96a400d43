"""多选: the four rules of grading-rules.md (exact, half, per_option, weighted)."""

from collections.abc import Mapping
from decimal import Decimal

from .decimals import ONE, ZERO, cached_decimal
from .errors import GradingError
from .key_cache import by_content
from .option_labels import label, label_set

HALF = Decimal("0.5")
# Moodle stores 1/3 as 0.3333333, so the key options' weights may miss 1 by a rounding error.
_WEIGHT_SUM_SLACK = Decimal("0.000001")


def key_answers(key: Mapping) -> frozenset[str]:
    answers = key.get("answers") if isinstance(key, Mapping) else None
    if not isinstance(answers, list | tuple) or not answers:
        raise GradingError('多选题的标准答案缺失或无效，应形如 {"answers": ["A", "C"]}')
    labels = frozenset(label(answer) for answer in answers)
    if "" in labels:
        raise GradingError("多选题的标准答案中有空的或无效的选项")
    return labels


def key_weights(key: Mapping, answers: frozenset[str]) -> dict[str, Decimal] | None:
    """The key's option weights (fractions of the points), or None when it sets none.

    Checked like Moodle's editor: each weight in [-1, 1], correct options weigh more than 0,
    other options at most 0, and the correct options add up to 1.
    """
    raw = key.get("weights")
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise GradingError("多选题的选项权重应为 {选项: 权重} 的形式")
    weights: dict[str, Decimal] = {}
    for option, text in raw.items():
        name = label(option)
        weight = cached_decimal(text)
        if not name or weight is None or not -ONE <= weight <= ONE:
            raise GradingError(f"多选题选项 {option} 的权重 {text!r} 无效，应为 -1 到 1 之间的数")
        if (name in answers) != (weight > 0):
            if name in answers:
                raise GradingError(f"多选题选项 {name} 是正确答案，其权重应大于 0")
            raise GradingError(f"多选题选项 {name} 不是正确答案，其权重不能大于 0")
        weights[name] = weight
    if abs(sum((weights.get(answer, ZERO) for answer in answers), ZERO) - ONE) > _WEIGHT_SUM_SLACK:
        raise GradingError("多选题正确选项的权重之和应为 1")
    return weights


@by_content
def compiled_key(key: Mapping) -> tuple[frozenset[str], dict[str, Decimal] | None]:
    """The key's correct options and weights; shared between calls, so never mutated."""
    answers = key_answers(key)
    return answers, key_weights(key, answers)


def _weighted_credit(
    chosen: frozenset[str], answers: frozenset[str], weights: dict[str, Decimal] | None
) -> Decimal:
    if weights is None:
        # No weights in the key: derive them as correct = 1/|K| and wrong = -1, so that a single
        # wrong choice zeroes the item (sum <= 1 - 1/|K| - 1 < 0) while missing options cost
        # their share. That makes it equal to per_option, computed here by counting.
        if chosen - answers:
            return ZERO
        return Decimal(len(chosen)) / len(answers)
    total = sum((weights.get(option, ZERO) for option in chosen), ZERO)
    return min(max(total, ZERO), ONE)


def score_multi(key: Mapping, response: object, rule: str) -> Decimal:
    """Fraction of the points earned under the given multi rule."""
    answers, weights = compiled_key(key)
    chosen = label_set(response)
    if rule == "weighted":
        return _weighted_credit(chosen, answers, weights)
    if chosen == answers:
        return ONE
    if not chosen or not chosen <= answers:
        return ZERO
    # chosen is now a proper, non-empty subset of the key: 少选.
    if rule == "half":
        return HALF
    if rule == "per_option":
        return Decimal(len(chosen)) / len(answers)
    return ZERO  # exact
