"""What the attempt page needs, in one query: the attempt's heading with what the database
sums up of its items; their rows are read only when the page is not in the cache.

The items are read without their snapshots (the key, 解析 and rubric stay in the
database); what is shown of each comes from the display parts cached per item version
(attempt_layouts.py). The page also leaves the attempt's layout in this worker's cache,
so the saves that follow need no read of their own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import String, Text, and_, bindparam, case, cast, func, or_, select, true
from sqlalchemy.sql.functions import aggregate_strings

from exam_app.content.display import DisplayParts
from exam_app.database import read_alone
from exam_app.extensions import db
from exam_app.grading import KIND_LABELS
from exam_app.models import Attempt, AttemptItem, Paper
from exam_app.services import attempt_layouts
from exam_app.services.sign_in import SIGNED_IN_ROW, SessionClaim


@dataclass(frozen=True)
class PaperHead:
    title: str
    instructions: str
    tab_switch_limit: int | None


@dataclass(frozen=True)
class AttemptHead:
    id: int
    user_id: int | None
    status: str
    candidate_code: str
    deadline_at: datetime
    sections: list[dict] | None
    paper: PaperHead
    # What the database sums up of the items (count, touched, keyed, frame, orders: see
    # _SUMMARY), read with the heading so the page needs no statement of its own for it.
    summary: tuple | None = None


_a, _i, _p = Attempt.__table__, AttemptItem.__table__, Paper.__table__
# Points and the JSON columns are read as text, as stored: a page at the start is
# the same for every candidate of a paper and comes whole from the cache (web/attempt_html.py),
# so decoding them for each of a hundred rows would be for nothing. They are decoded only
# where an item's view is built (PageItem).
_ITEMS = (
    select(_i.c.id, _i.c.position, _i.c.section_position, _i.c.section_title, _i.c.kind,
           cast(_i.c.points, String), _i.c.display_key,
           cast(_i.c.option_order, Text), cast(_i.c.response, Text), _i.c.save_seq,
           _i.c.flagged, _i.c.counted)
    .where(_i.c.attempt_id == bindparam("attempt_id"))
    .order_by(_i.c.position)
)  # fmt: skip
_ID, _POSITION, _SECTION, _TITLE, _KIND, _POINTS, _KEY, _ORDER, _RESPONSE, _SEQ, _FLAGGED = range(
    11
)


def _decoded(value: str | None):
    return None if value is None else json.loads(value)


class PageItem:
    """One row of _ITEMS, decoded: shaped like an attempt item for candidate_view."""

    __slots__ = ("id", "position", "section_position", "section_title", "kind", "points",
                 "display_key", "option_order", "response", "save_seq", "flagged", "counted")  # fmt: skip

    def __init__(self, row):
        (self.id, self.position, self.section_position, self.section_title, self.kind, points,
         self.display_key, order, response, self.save_seq, self.flagged, self.counted) = row  # fmt: skip
        self.points = Decimal(points)
        self.option_order, self.response = _decoded(order), _decoded(response)


def head(attempt_id: int) -> AttemptHead | None:
    row = db.session.connection().execute(_HEAD, {"attempt_id": attempt_id}).one_or_none()
    return None if row is None else _head(row)


def head_for_claim(
    claim: SessionClaim, attempt_id: int, rows: list | None = None
) -> tuple[AttemptHead | None, bool]:
    """The heading of this person's attempt for what the signed cookie claims, with the
    session checked in the same statement: (heading or None, whether the session is open
    for the claim's role). The person read with it answers the claim (SessionClaim.adopt),
    so the page's header and menu ask no query of their own. `rows`: HEAD_OF_STARTED's,
    read already with the start's claim."""
    if not rows or rows[0][_ME] != attempt_id:  # not read yet, or not the one claimed
        rows = read_alone(_HEAD_SIGNED_IN, {"b_user": claim.id, "attempt_id": attempt_id,
                                            **claim.params})  # fmt: skip
    found = rows[0] if rows else None  # one row at most: the attempt by its id
    if not claim.let_in_by(found):
        return None, False
    return (_head(found[_ME:]) if found[_ME] is not None else None), True


def _head(row) -> AttemptHead:
    (id_, user_id, status, code, deadline_at, sections, title, instructions, tab_limit,
     *summary) = row  # fmt: skip
    paper = PaperHead(title, instructions, tab_limit)
    return AttemptHead(id_, user_id, status, code, deadline_at, sections, paper,
                       tuple(summary))  # fmt: skip


def shown_options(parts: DisplayParts, order: list[str] | None) -> list[dict[str, str]]:
    """Options in this candidate's order, lettered A, B, C… as they see them."""
    by_label = dict(parts.options)
    labels = order or [label for label, _text in parts.options]
    return [
        {"letter": chr(ord("A") + n), "label": label, "text": by_label[label]}
        for n, label in enumerate(labels)
    ]


_shown_cache: dict[str, list[dict[str, str]]] = {}


def _shown_once(key: str | None, parts: DisplayParts, order: list[str] | None) -> list[dict]:
    """shown_options, kept per item version in the bank's order (shared: callers must not
    change it)."""
    if key is None or order:  # shuffled: thousands of orders, each cheap to make
        return shown_options(parts, order)
    found = _shown_cache.get(key)
    if found is None:
        if len(_shown_cache) >= attempt_layouts.PARTS_KEPT:
            _shown_cache.clear()
        found = _shown_cache[key] = shown_options(parts, None)
    return found


# What the page shows apart from the answers (item versions, option orders, positions,
# points, sections) as two texts made by the database, with whether anything was answered,
# flagged or saved and whether every item has a display key: at the start every candidate
# of a paper sees the same page, which then comes whole from this worker's cache without a
# row of items read (web/attempt_html.py). Each item's part names its position,
# so the order the database joins them in can only make two texts differ, never alike.
_SEP, _PARTS = "\x1f", "\x1e"
_orders: dict[str, tuple[str, ...]] = {}  # an option order as written -> as shown_key has it


def _order(text: str) -> tuple[str, ...]:
    found = _orders.get(text)
    if found is None:
        if len(_orders) >= attempt_layouts.PARTS_KEPT:
            _orders.clear()
        found = _orders[text] = tuple(json.loads(text) or ()) if text else ()
    return found


def _first(entry: tuple) -> int:
    return entry[0]


# The frame: everything but the option orders, the same text for every candidate of a
# paper whose items are not drawn; the orders apart, in the same sequence (both aggregates
# read the same rows in the same order), so a page of shuffled options is its frame, kept
# once per worker, and a hundred orders (web/attempt_html._from_frame).
_frame_part = (
    cast(_i.c.position, String)
    + _SEP
    + _i.c.display_key
    + _SEP
    + cast(_i.c.points, String)
    + _SEP
    + cast(_i.c.section_position, String)
    + _SEP
    + _i.c.section_title
)
_order_part = func.coalesce(cast(_i.c.option_order, Text), "")


def _summary_of(attempt_id):
    return select(
        func.count(),
        func.max(case((or_(and_(_i.c.response.is_not(None), cast(_i.c.response, Text) != "null"),
                           _i.c.flagged.is_(True), _i.c.save_seq > 0), 1), else_=0)),
        func.count(_i.c.display_key),
        aggregate_strings(_frame_part, _PARTS),
        aggregate_strings(_order_part, _PARTS),
    ).where(_i.c.attempt_id == attempt_id)  # fmt: skip


def _head_columns(summary) -> tuple:
    return (_a.c.id, _a.c.user_id, _a.c.status, _a.c.candidate_code, _a.c.deadline_at,
            _a.c.sections, _p.c.title, _p.c.instructions, _p.c.tab_switch_limit,
            *summary.c)  # fmt: skip


_SUMMARY = _summary_of(bindparam("attempt_id"))
_summary = _SUMMARY.subquery()
_HEAD = (
    select(*_head_columns(_summary))
    .join(_p, _p.c.id == _a.c.paper_id)
    .join(_summary, true())
    .where(_a.c.id == bindparam("attempt_id"))
)  # fmt: skip
# The same with who is signed in (sign_in.SIGNED_IN_ROW) in front: the page at the rush is
# then this one statement. No row when the session is not open; the heading's columns are
# empty when the attempt is not this person's (or not there): both answer the same 404.
_me = SIGNED_IN_ROW
_ME = len(_me.c)


def _head_signed_in(attempt_id):
    summary = _summary_of(attempt_id).subquery()
    return (
        select(*_me.c, *_head_columns(summary))
        .select_from(_me)
        .outerjoin(_a, and_(_a.c.id == attempt_id, _a.c.user_id == _me.c.id))
        .outerjoin(_p, _p.c.id == _a.c.paper_id)
        .outerjoin(summary, _a.c.id.is_not(None))
    )  # fmt: skip


_HEAD_SIGNED_IN = _head_signed_in(bindparam("attempt_id"))
# The heading of the attempt 开始作答 just started (attempts.claim_prepared), read with the
# claim's parameters right after its COMMIT, in the same round trip on PostgreSQL: the
# person's attempt of that paper in progress since the claim's moment (b_now).
HEAD_OF_STARTED = _head_signed_in(
    select(func.min(_a.c.id))
    .where(_a.c.paper_id == bindparam("b_paper"), _a.c.user_id == bindparam("b_user"),
           _a.c.status == "in_progress", _a.c.started_at == bindparam("b_now"))
    .scalar_subquery()
)  # fmt: skip


class PageItems:
    """The attempt's items for its page: first what the database sums up of them; the rows
    and what is shown of each are read only if the page is not in the cache."""

    def __init__(self, attempt: AttemptHead):
        self.attempt = attempt
        # The heading was just read: a layout this worker keeps that disagrees with it (the
        # deadline or owner changed under it, as a restore can do) is dropped, so the saves
        # that follow read it afresh and tell the page the right time left.
        cached = attempt_layouts.cached(attempt.id)
        if cached is not None and (cached.deadline_at, cached.user_id) != (
            attempt.deadline_at,
            attempt.user_id,
        ):
            attempt_layouts.forget(attempt.id)
        count, touched, keyed, frame, orders = attempt.summary or (
            db.session.connection().execute(_SUMMARY, {"attempt_id": attempt.id}).one()
        )
        self.count, self.untouched = count, not touched
        # None for items from before display keys
        self._frame, self._orders = (frame, orders) if keyed == count and count else (None, "")
        self._rows: list[tuple] | None = None

    def __len__(self) -> int:
        return self.count

    def shape(self) -> tuple[str, str] | None:
        """What the page shows apart from the answers (its frame and its option orders), or
        None if that cannot be told."""
        return None if self._frame is None else (self._frame, self._orders)

    def frame(self) -> str | None:
        """The page's shape without its option orders: the same for every candidate of a
        paper whose items are not drawn."""
        return self._frame

    def orders(self) -> list[tuple[str, ...]] | None:
        """Each item's option order as shown_key has it, in the frame's sequence; None if
        there is not one per item."""
        orders = [_order(text) for text in self._orders.split(_PARTS)]
        return orders if len(orders) == self.count else None

    def outline(self) -> list[tuple] | None:
        """The shape as the items in order, each (position, display key, option order as
        shown_key has it, then points, section and section title as the database wrote
        them, and where it stands in the frame); None if it does not read as one part per
        item (a title holding a separator)."""
        if self._frame is None or (orders := self.orders()) is None:
            return None
        out = []
        for index, part in enumerate(self._frame.split(_PARTS)):
            fields = part.split(_SEP)
            if len(fields) != 5 or index >= len(orders):
                return None
            position, key, points, section, title = fields
            out.append((int(position), key, orders[index], points, section, title, index))
        out.sort(key=_first)
        if len(out) != self.count or len({entry[0] for entry in out}) != self.count:
            return None
        return out

    def view_of(self, entry: tuple) -> dict[str, Any] | None:
        """The candidate view of an untouched item from its outline entry and what this
        worker keeps of its version; None if it keeps nothing of it (then the rows are
        read, and with them the versions)."""
        position, key, order, points, section, title, _index = entry
        parts = attempt_layouts.kept_parts(key)
        if parts is None:
            return None
        sketch = _Untouched(position, int(section), title, parts.kind, Decimal(points), key,
                            list(order) or None)  # fmt: skip
        return candidate_view(sketch, parts)

    @property
    def rows(self) -> list[tuple]:
        if self._rows is None:
            self._rows = _read(self.attempt)
        return self._rows

    def views(self) -> list[dict[str, Any]]:
        """Candidate views of every item, in order."""
        rows = self.rows
        parts = attempt_layouts.parts({r[_ID]: r[_KEY] for r in rows})
        return [candidate_view(PageItem(r), parts[r[_ID]]) for r in rows]


@dataclass(frozen=True)
class _Untouched:
    """An attempt item not answered, flagged or saved yet, as its outline tells it."""

    position: int
    section_position: int
    section_title: str
    kind: str
    points: Decimal
    display_key: str
    option_order: list[str] | None
    response: None = None
    save_seq: int = 0
    flagged: bool = False
    counted: bool = True


def candidate_view(item: Any, parts: DisplayParts) -> dict[str, Any]:
    """What a page may show of an item: built field by field from what is shown of it, so a
    key, rubric or reference answer can reach a candidate's page only by being added here.
    `item`: anything with an attempt item's columns (a row, an AttemptItem, a sketch)."""
    key = getattr(item, "display_key", None)
    return {
        "position": item.position, "section_position": item.section_position,
        "section_title": item.section_title, "kind": item.kind,
        "kind_label": KIND_LABELS[item.kind], "points": item.points, "stem": parts.stem,
        "options": _shown_once(key, parts, item.option_order),
        # Names what is shown (with the position and points): see web/question_html.py.
        "shown_key": (key, tuple(item.option_order or ())) if key else None,
        "blanks": parts.blanks, "case_title": parts.case_title,
        "case_scenario": parts.case_scenario, "response": item.response,
        "save_seq": item.save_seq, "flagged": item.flagged, "counted": item.counted,
    }  # fmt: skip


def items(attempt: AttemptHead) -> PageItems:
    """The attempt's items for its page (see PageItems)."""
    return PageItems(attempt)


def _read(attempt: AttemptHead) -> list[tuple]:
    """Every item of the attempt, in order; leaves the attempt's layout in this worker's
    cache for the saves that follow (unless it is there already)."""
    rows = [tuple(r) for r in read_alone(_ITEMS, {"attempt_id": attempt.id})]
    keep = attempt.status == "in_progress" and attempt.user_id is not None
    if keep and attempt_layouts.cached(attempt.id) is None:
        attempt_layouts.remember(attempt.id, attempt_layouts.build(
            attempt.user_id, attempt.status, attempt.deadline_at,
            [(r[_POSITION], r[_ID], r[_KIND], r[_KEY]) for r in rows]))  # fmt: skip
    return rows
