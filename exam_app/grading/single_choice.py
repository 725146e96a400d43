"""单选: full credit if the chosen option is the key, else none."""

from collections.abc import Mapping
from decimal import Decimal

from .decimals import ONE, ZERO
from .errors import GradingError
from .option_labels import label


def key_answer(key: Mapping) -> str:
    answer = label(key.get("answer")) if isinstance(key, Mapping) else ""
    if not answer:
        raise GradingError('单选题的标准答案缺失或无效，应形如 {"answer": "B"}')
    return answer


def response_label(response: object) -> str:
    # Form libraries may hand over a one-element list (request.form.getlist).
    if isinstance(response, list | tuple) and len(response) == 1:
        response = response[0]
    return label(response)


def score_single(key: Mapping, response: object, rule: str | None) -> Decimal:
    """Fraction of the points earned; the rule does not apply to single choice."""
    return ONE if response_label(response) == key_answer(key) else ZERO
