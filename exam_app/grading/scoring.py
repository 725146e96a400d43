"""score_item: validate the rule and points, dispatch to the kind's scorer, round the score."""

from collections.abc import Callable, Mapping
from decimal import Decimal

from .decimals import ONE, ZERO, checked_points, quantise
from .errors import GradingError
from .fill_in import key_any_order, key_blanks, score_fill
from .multiple_choice import key_answers, key_weights, score_multi
from .outcome import Outcome
from .single_choice import key_answer, score_single
from .true_false import key_judgement, score_tf
from .vocabulary import DEFAULT_FILL_RULE, DEFAULT_MULTI_RULE, FILL_RULES, KIND_LABELS, MULTI_RULES

# A scorer returns the fraction of the points earned, in [0, 1]; rounding happens here, once.
Scorer = Callable[[Mapping, object, str | None], Decimal]

SCORERS: dict[str, Scorer] = {
    "single": score_single,
    "multi": score_multi,
    "tf": score_tf,
    "fill": score_fill,
}

# Rules each kind understands and the one it uses when none is set.
_RULES: dict[str, tuple[Mapping[str, str], str]] = {
    "multi": (MULTI_RULES, DEFAULT_MULTI_RULE),
    "fill": (FILL_RULES, DEFAULT_FILL_RULE),
}
# A section's rule reaches every item in it, so single/tf accept (and ignore) any known rule.
_ANY_RULE = frozenset(MULTI_RULES) | frozenset(FILL_RULES)
_NOTHING = quantise(ZERO)


def _resolve_rule(kind: str, rule: str | None) -> str | None:
    if not isinstance(kind, str) or kind not in SCORERS:
        if kind == "essay":
            raise GradingError("简答题需要人工评阅，不能自动评分")
        raise GradingError(f"未知的题型：{kind!r}")
    if rule is not None and not isinstance(rule, str):
        raise GradingError(f"未知的评分规则：{rule!r}")
    known = _RULES.get(kind)
    if known is None:
        if rule is not None and rule not in _ANY_RULE:
            raise GradingError(f"未知的评分规则：{rule!r}")
        return None
    rules, default = known
    if rule is None:
        return default
    if rule not in rules:
        names = "、".join(f"{name}（{label}）" for name, label in rules.items())
        raise GradingError(f"{KIND_LABELS[kind]}题不支持评分规则 {rule!r}，可选：{names}")
    return rule


def score_item(
    kind: str, key: Mapping, response: object, points: Decimal, rule: str | None = None
) -> Outcome:
    """Score one objective item; raises GradingError for essays, bad kinds, rules, keys, points."""
    resolved = _resolve_rule(kind, rule)
    maximum = checked_points(points)
    credit = SCORERS[kind](key, response, resolved)
    # Most answers are fully right or wrong; skip the multiplication for them.
    if credit >= ONE:
        return Outcome(maximum, maximum)
    if credit <= ZERO:
        return Outcome(_NOTHING, maximum)
    # maximum is in whole cents and credit < 1, so rounding cannot pass maximum.
    return Outcome(quantise(maximum * credit), maximum)


def validate_key(kind: str, key: Mapping, rule: str | None = None) -> None:
    """Raise GradingError if the key (and rule) cannot be used to grade; for authoring forms."""
    if kind == "essay":
        return  # reviewed by people against a rubric; the key may be empty
    _resolve_rule(kind, rule)
    if kind == "single":
        key_answer(key)
    elif kind == "tf":
        key_judgement(key)
    elif kind == "multi":
        key_weights(key, key_answers(key))
    elif kind == "fill":
        key_blanks(key)
        key_any_order(key)
