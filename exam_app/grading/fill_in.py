"""填空: per-blank credit from weighted accepted answers, optionally in any order."""

from collections.abc import Mapping, Sequence
from decimal import Decimal

from .decimals import ONE, ZERO, cached_decimal
from .errors import GradingError
from .key_cache import by_content
from .text_normalisation import normalise

# An accepted answer of just "*" takes any non-empty response (Moodle's catch-all answer).
WILDCARD = "*"
# Trying every assignment of responses to blanks is cheap up to here; past it, grade in order.
MAX_ANY_ORDER_BLANKS = 8

Blank = tuple[tuple[str, Decimal], ...]  # (normalised accepted text, weight) pairs


def _accepted(entry: object, number: int) -> tuple[str, Decimal]:
    # A bare string is shorthand for a fully correct answer.
    if isinstance(entry, str):
        text, raw_weight = entry, "1"
    elif isinstance(entry, list | tuple) and len(entry) == 2 and isinstance(entry[0], str):
        text, raw_weight = entry
    else:
        raise GradingError(f"填空题第 {number} 空的参考答案 {entry!r} 格式无效，应为 [答案, 权重]")
    weight = cached_decimal(raw_weight)
    if weight is None or not ZERO <= weight <= ONE:
        raise GradingError(
            f"填空题第 {number} 空的答案权重 {raw_weight!r} 无效，应为 0 到 1 之间的数"
        )
    accepted = normalise(text)
    if not accepted:
        raise GradingError(f"填空题第 {number} 空有空白的参考答案")
    return accepted, weight


def key_blanks(key: Mapping) -> tuple[Blank, ...]:
    blanks = key.get("blanks") if isinstance(key, Mapping) else None
    if not isinstance(blanks, list | tuple) or not blanks:
        raise GradingError('填空题的标准答案缺失或无效，应形如 {"blanks": [[["答案", "1"]]]}')
    compiled: list[Blank] = []
    for number, entries in enumerate(blanks, start=1):
        if not isinstance(entries, list | tuple) or not entries:
            raise GradingError(f"填空题第 {number} 空没有参考答案")
        blank = tuple(_accepted(entry, number) for entry in entries)
        # Otherwise nobody could ever get the item fully right.
        if all(weight != ONE for _, weight in blank):
            raise GradingError(f"填空题第 {number} 空没有权重为 1 的参考答案")
        compiled.append(blank)
    return tuple(compiled)


def key_any_order(key: Mapping) -> bool:
    any_order = key.get("any_order", False)
    if not isinstance(any_order, bool):
        raise GradingError("填空题的 any_order 应为 true 或 false")
    return any_order


@by_content
def compiled_key(key: Mapping) -> tuple[tuple[Blank, ...], bool]:
    return key_blanks(key), key_any_order(key)


def response_texts(response: object, count: int) -> list[str]:
    """Exactly `count` normalised responses; missing or unusable ones are empty."""
    if response is None:
        items: Sequence[object] = ()
    elif isinstance(response, str):
        items = (response,)
    elif isinstance(response, list | tuple):
        items = response[:count]
    else:
        items = ()
    texts = [_text(item) for item in items]
    return texts + [""] * (count - len(texts))


def _text(item: object) -> str:
    if isinstance(item, str):
        return normalise(item)
    if isinstance(item, int | Decimal) and not isinstance(item, bool):
        return normalise(str(item))
    return ""


def blank_weight(blank: Blank, text: str) -> Decimal:
    """The weight of the best accepted answer that the normalised text matches."""
    if not text:
        return ZERO
    best = ZERO
    for accepted, weight in blank:
        if weight > best and accepted in (text, WILDCARD):
            best = weight
    return best


def in_order_total(blanks: Sequence[Blank], texts: list[str]) -> Decimal:
    return sum(map(blank_weight, blanks, texts), ZERO)


def best_total(blanks: Sequence[Blank], texts: list[str]) -> Decimal:
    """The largest total of blank weights over assignments of responses to blanks.

    Dynamic programming over the set of responses already used; each response is used once.
    """
    # Writing the same answer twice must not fill two blanks ("列举两项" with one item twice).
    seen: set[str] = set()
    unique = []
    for text in texts:
        unique.append("" if text in seen else text)
        seen.add(text)
    in_order = in_order_total(blanks, unique)
    if in_order == len(blanks):
        return in_order  # nothing beats every blank fully right
    table = [[blank_weight(blank, text) for text in unique] for blank in blanks]
    states = {0: ZERO}  # used-responses mask -> best total for the blanks so far
    for row in table:
        following: dict[int, Decimal] = {}
        for mask, total in states.items():
            for index, weight in enumerate(row):
                bit = 1 << index
                if not mask & bit:
                    candidate = total + weight
                    if candidate > following.get(mask | bit, -ONE):
                        following[mask | bit] = candidate
        states = following
    return max(states.values())


def score_fill(key: Mapping, response: object, rule: str) -> Decimal:
    """Fraction of the points earned under the given fill rule."""
    blanks, any_order = compiled_key(key)
    count = len(blanks)
    texts = response_texts(response, count)
    if any_order and 1 < count <= MAX_ANY_ORDER_BLANKS:
        total = best_total(blanks, texts)
    else:
        total = in_order_total(blanks, texts)
    if rule == "all_or_nothing":
        # Weights are at most 1, so only a total of `count` means every blank is fully right.
        return ONE if total == count else ZERO
    return total / count
