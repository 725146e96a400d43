"""What a candidate sees of a frozen item, and a digest of it.

An item's snapshot holds its key, 解析 and rubric beside what is shown. Only the fields
named here may be cached for candidates' pages or checked against a typed answer; the
digest of them names the cached parts, so equal digests mean equal pages.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DisplayParts:
    kind: str
    stem: str
    options: tuple[tuple[str, str], ...]  # (bank label, text) in the bank's order
    blanks: int
    case_title: str | None
    case_scenario: str | None

    @property
    def labels(self) -> frozenset[str]:
        return frozenset(label for label, _text in self.options)


def display_parts(snapshot: dict[str, Any]) -> DisplayParts:
    return DisplayParts(
        kind=snapshot.get("kind", ""),
        stem=snapshot.get("stem") or "",
        options=tuple((o["label"], o["text"]) for o in snapshot.get("options") or []),
        # The number of blanks is shown (one box each); the key's words are not taken.
        blanks=len((snapshot.get("key") or {}).get("blanks", [])),
        case_title=snapshot.get("case_title"),
        case_scenario=snapshot.get("case_scenario"),
    )


def display_key(snapshot: dict[str, Any]) -> str:
    parts = display_parts(snapshot)
    text = json.dumps(
        [parts.kind, parts.stem, parts.options, parts.blanks, parts.case_title,
         parts.case_scenario],
        ensure_ascii=False, separators=(",", ":"),
    )  # fmt: skip
    return hashlib.sha1(text.encode()).hexdigest()
