"""Per-process caches of what never changes once an attempt has started.

An attempt's layout (whose it is, its deadline, and per position the item's kind and
display key) is fixed at its start, and what a display key names (content/display.py) is
fixed forever. So each worker keeps both, bounded, and a save or a page reads only what
changes: the answers. Nothing cached here holds a key, 解析 or rubric: DisplayParts takes
only the shown fields. Stale entries cannot mislead: every write still checks status,
owner, deadline and the item's display key in its own WHERE clause, and a layout that
turns out stale (a restored backup reused the ids) is read again.
"""

from __future__ import annotations

import sys
from array import array
from collections import OrderedDict
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import bindparam, select

from exam_app.content.display import DisplayParts, display_parts
from exam_app.database import read_alone
from exam_app.extensions import db
from exam_app.models import Attempt, AttemptItem, ItemSnapshot

LAYOUTS_KEPT = 4096  # attempts; a layout of 100 positions is ~2 KB
PARTS_KEPT = 8192  # distinct item versions


@dataclass(frozen=True)
class Layout:
    user_id: int
    status: str  # as read when cached; only in-progress layouts are kept
    deadline_at: datetime
    # By position - 1 (positions run 1..n): compact, since a worker keeps thousands. Kinds
    # and display keys are interned, so one copy of each string serves every attempt.
    item_ids: array
    kinds: tuple[str, ...]
    keys: tuple[str | None, ...]
    cached: bool = False  # read from this worker's cache (then possibly stale) or just now

    def item(self, position: int) -> tuple[int, str, str | None] | None:
        """(item id, kind, display key) at this position, or None."""
        if 1 <= position <= len(self.item_ids) and self.item_ids[position - 1]:
            return self.item_ids[position - 1], self.kinds[position - 1], self.keys[position - 1]
        return None


def build(user_id: int, status: str, deadline_at: datetime, rows) -> Layout:
    """From (position, item id, kind, display key) tuples."""
    size = max((r[0] for r in rows), default=0)
    ids, kinds, keys = array("q", [0] * size), [""] * size, [None] * size
    intern = sys.intern
    for position, item_id, kind, key in rows:
        ids[position - 1] = item_id
        kinds[position - 1] = intern(kind)
        keys[position - 1] = intern(key) if key else None
    return Layout(user_id, status, deadline_at, ids, tuple(kinds), tuple(keys))


class _Bounded(OrderedDict):
    def __init__(self, size: int):
        super().__init__()
        self.size = size

    def put(self, key, value) -> None:
        self[key] = value
        if len(self) > self.size:
            self.popitem(last=False)


_layouts: _Bounded = _Bounded(LAYOUTS_KEPT)
_parts: _Bounded = _Bounded(PARTS_KEPT)

_a, _i = Attempt.__table__, AttemptItem.__table__
_LAYOUT = (
    select(_a.c.user_id, _a.c.status, _a.c.deadline_at, _i.c.position, _i.c.id, _i.c.kind,
           _i.c.display_key)
    .select_from(_a.outerjoin(_i, _i.c.attempt_id == _a.c.id))
    .where(_a.c.id == bindparam("attempt_id"))
)  # fmt: skip
_s = ItemSnapshot.__table__
_SNAPSHOTS = (
    select(_i.c.id, _i.c.display_key, _s.c.content)
    .join(_s, _s.c.id == _i.c.snapshot_id)
    .where(_i.c.id.in_(bindparam("ids", expanding=True)))
)


def remember(attempt_id: int, layout: Layout) -> None:
    if layout.status == "in_progress":
        _layouts.put(attempt_id, replace(layout, cached=True))


def layout(attempt_id: int) -> Layout | None:
    """The attempt's layout: cached, else one query (None: no such attempt)."""
    if (cached := _layouts.get(attempt_id)) is not None:
        return cached
    # Read past the session when it holds nothing (database.read_alone), as plain tuples: a
    # worker reads each candidate's layout once, but at the opening minute that is the
    # whole centre's first saves at once (an ORM session's transaction and named rows made
    # this read cost as much as the save itself).
    rows = read_alone(_LAYOUT, {"attempt_id": attempt_id})
    if not rows:
        return None
    user_id, status, deadline_at = rows[0][:3]
    found = build(user_id, status, deadline_at, [r[3:] for r in rows if r[4]])
    remember(attempt_id, found)
    return found


def cached(attempt_id: int) -> Layout | None:
    """The layout this worker keeps of the attempt, if it keeps one (no query)."""
    return _layouts.get(attempt_id)


def forget(attempt_id: int) -> None:
    _layouts.pop(attempt_id, None)


def kept_parts(key: str) -> DisplayParts | None:
    """What is shown of an item version, if this worker keeps it (no query)."""
    return _parts.get(key)


def parts(wanted: dict[int, str | None]) -> dict[int, DisplayParts]:
    """DisplayParts per item id, given each item's display key: from the cache, and the
    snapshots of the missing ones in one query (an item without a key is read each time)."""
    out: dict[int, DisplayParts] = {}
    missing: list[int] = []
    for item_id, key in wanted.items():
        found = _parts.get(key) if key is not None else None
        if found is None:
            missing.append(item_id)
        else:
            out[item_id] = found
    if missing:
        for item_id, key, snapshot in db.session.connection().execute(_SNAPSHOTS, {"ids": missing}):
            out[item_id] = made = display_parts(snapshot)
            if key is not None:
                _parts.put(key, made)
    return out


def clear() -> None:
    """Tests that rewrite rows under a running app call this."""
    _layouts.clear()
    _parts.clear()
