"""Memoise key compilation by the key's content: one paper's key is graded for every candidate.

Keys arrive as fresh dicts from each attempt's JSON snapshot, so identity cannot be the cache
key. marshal (format 2, which has no back-references) serialises plain JSON-like data quickly
and decodes unambiguously, so equal bytes mean equal keys; keys it cannot serialise are
compiled every time. Bad keys raise GradingError and are never cached.
"""

import marshal
from collections.abc import Callable
from typing import TypeVar

K = TypeVar("K")
T = TypeVar("T")

# Compiled keys are small; a few thousand distinct items cover any realistic exam sitting.
_LIMIT = 4096


def by_content(compile_key: Callable[[K], T]) -> Callable[[K], T]:
    cache: dict[bytes, T] = {}

    def compiled(key: K) -> T:
        try:
            fingerprint = marshal.dumps(key, 2)
        except ValueError:  # e.g. a Decimal or a Mapping that is not a dict
            return compile_key(key)
        try:
            return cache[fingerprint]
        except KeyError:
            pass
        result = compile_key(key)
        if len(cache) >= _LIMIT:
            cache.clear()
        cache[fingerprint] = result
        return result

    compiled.cache_clear = cache.clear  # type: ignore[attr-defined]
    return compiled
