"""Which rubric key points an answer appears to make: a hint for the reviewer, never a mark.

Chinese writes no spaces between words, so both texts are compared as sets of tokens: pairs
of neighbouring Han characters (a lone character counts as itself), and whole Latin words and
numbers. Both sides are normalised first as fill-in answers are (全角 -> 半角, case, spaces), and
punctuation only separates tokens. A key point "appears" when most of its tokens occur in the
answer. Paraphrase escapes it and negation fools it ("不得并入" vs "可以并入"): the reviewer
decides.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from .text_normalisation import normalise

# Han ideographs, extensions and compatibility forms (kana and punctuation are not Han).
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_RUN = re.compile(rf"([{_HAN}]+)|([^\W_{_HAN}]+)")
APPEARS_AT = 0.6  # share of a key point's tokens that the answer must contain


@dataclass(frozen=True)
class KeyPointHint:
    text: str
    coverage: float  # share of the key point's tokens found in the answer, 0..1
    appears: bool


@lru_cache(maxsize=4096)
def tokens(text: str) -> frozenset[str]:
    """The comparable tokens of a text: Han character pairs, Latin words and numbers."""
    found: set[str] = set()
    for han, word in _RUN.findall(normalise(text)):
        if word:
            found.add(word)
        elif len(han) == 1:
            found.add(han)
        else:
            found.update(han[i : i + 2] for i in range(len(han) - 1))
    return frozenset(found)


def key_point_hints(
    answer: str | None, key_points: Sequence[str], threshold: float = APPEARS_AT
) -> list[KeyPointHint]:
    """One hint per key point, in the rubric's order."""
    said = tokens(answer or "")
    hints = []
    for point in key_points:
        wanted = tokens(point)
        # The flag follows the rounded share, so the page never shows 0.6 unflagged.
        coverage = round(len(wanted & said) / len(wanted), 2) if wanted else 0.0
        hints.append(KeyPointHint(point, coverage, bool(wanted) and coverage >= threshold))
    return hints
