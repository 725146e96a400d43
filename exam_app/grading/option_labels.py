"""Option labels ("A", "B", ...) as they come from keys and HTML forms."""

import re
from collections.abc import Iterable

# Separators people and forms put between labels: "A,C", "A、C", "A C", "A;C".
_SEPARATORS = re.compile(r"[\s,，、;；/|]+")


def label(value: object) -> str:
    """A single label, trimmed and upper-cased ("b " -> "B"); "" when there is none."""
    if isinstance(value, str):
        return value.strip().upper()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return ""


def label_set(response: object) -> frozenset[str]:
    """The set of labels a multi-choice response names; empty when unanswered.

    A string is split on separators if it has any ("A,C"), else into characters ("AC").
    Anything that is neither a string nor a collection counts as unanswered.
    """
    if response is None:
        return frozenset()
    if isinstance(response, str):
        text = response.strip().upper()
        parts: Iterable[str] = _SEPARATORS.split(text) if _SEPARATORS.search(text) else text
        return frozenset(part for part in parts if part)
    if isinstance(response, list | tuple | set | frozenset):
        labels = (label(item) for item in response)
        return frozenset(item for item in labels if item)
    return frozenset()
