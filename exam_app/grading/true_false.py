"""判断: full credit if the judgement matches the key, else none."""

from collections.abc import Mapping
from decimal import Decimal

from .decimals import ONE, ZERO
from .errors import GradingError

# Spellings that arrive from HTML forms and imported papers; compared after strip + casefold.
_TRUE = frozenset({"true", "t", "正确", "对", "是", "√", "✓", "✔", "1", "yes", "y"})
_FALSE = frozenset({"false", "f", "错误", "错", "否", "×", "✗", "✘", "x", "0", "no", "n"})


def parse_judgement(value: object) -> bool | None:
    """True / False for a recognisable judgement, None for no answer or gibberish."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return {1: True, 0: False}.get(value)
    if isinstance(value, str):
        text = value.strip().casefold()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    return None


def key_judgement(key: Mapping) -> bool:
    answer = parse_judgement(key.get("answer")) if isinstance(key, Mapping) else None
    if answer is None:
        raise GradingError('判断题的标准答案缺失或无效，应为 {"answer": true} 或 {"answer": false}')
    return answer


def score_tf(key: Mapping, response: object, rule: str | None) -> Decimal:
    """Fraction of the points earned; the rule does not apply to true/false."""
    expected = key_judgement(key)
    return ONE if parse_judgement(response) is expected else ZERO
