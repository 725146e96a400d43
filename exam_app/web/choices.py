"""Select options for WTForms (which is retiring plain tuples)."""

from __future__ import annotations

from collections.abc import Iterable

from wtforms import SelectChoice


def choices(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    return [SelectChoice(str(value), label) for value, label in pairs]
