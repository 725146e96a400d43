"""Normalisation of fill-in answers before comparison (see grading-rules.md)."""

import re
import unicodedata
from functools import lru_cache

# Han ideographs (incl. extensions and compatibility forms), CJK symbols and punctuation,
# kana and bopomofo. Hangul is left out: Korean separates words with spaces.
_CJK = (
    "\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u31a0-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\U00020000-\U0003134f"
)
_SPACE_NEAR_CJK = re.compile(rf"\s+(?=[{_CJK}])|(?<=[{_CJK}])\s+")
_SPACE_RUN = re.compile(r"\s+")
# Invisible characters that arrive from copy-paste and would make equal answers differ.
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff]")
_TRAILING_STOPS = ("。", ".")


@lru_cache(maxsize=65536)
def normalise(text: str) -> str:
    """Return the comparable form of a fill-in answer.

    NFKC (全角 -> 半角, 全角空格 -> space), trim, drop whitespace next to a CJK character,
    collapse other whitespace runs to one space, case-fold, then drop ONE trailing 。 or .
    """
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text).strip()
    text = _SPACE_NEAR_CJK.sub("", text)
    text = _SPACE_RUN.sub(" ", text).casefold()
    if text.endswith(_TRAILING_STOPS):
        # "abc ." would otherwise leave a trailing space behind.
        text = text[:-1].rstrip()
    return text
