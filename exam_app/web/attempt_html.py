"""The attempt page's questions and 答题卡 at the start of an exam, put together from what
this worker keeps (web/question_html.py renders and keeps each item).

At the start nothing is answered: every candidate of a paper without shuffling sees the
same page, made once per worker and shape (services/attempt_page.py) and reused whole;
with options shuffled each page differs, and is put together from the paper's frame (its
items with their positions written in, kept once it comes a second time) and the
candidate's option orders, without the item rows read. The questions are kept as UTF-8
(web/exam_page.py puts them into the template's output).
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from exam_app.web import question_html as item_html
from exam_app.web.question_html import (
    _UNANSWERED_KEPT,
    _UNCUT,
    _assemble,
    _Kept,
    _section_heading,
    navigator_html,
    questions_html,
)

_BLOCKS_KEPT = 64
_blocks: dict[tuple, tuple[Markup, bytes]] = {}


def attempt_html(page, sections: dict[int, dict]) -> tuple[Markup, bytes]:
    """The attempt page's 答题卡, and its questions as UTF-8 (encoding a hundred items for
    every response cost more than putting them together): whole from the cache, from the
    paper's frame, or from the rows of an answered page."""
    shape = page.shape() if page.untouched else None
    if shape is None:
        views = page.views()
        return navigator_html(views), questions_html(views, sections, "take").encode()
    headings = tuple(tuple(sorted(s.items())) for _position, s in sorted(sections.items()))
    key = (shape, headings)
    found = _blocks.get(key)
    if found is None:
        found = _from_frame(page, headings, sections)
        if found is None:  # an item not rendered yet in this worker: from the rows
            views = page.views()
            found = (navigator_html(views), questions_html(views, sections, "take").encode())
        # With options shuffled, one candidate's page: kept for a reload all the same (the
        # 64 kept fill within the first seconds of a start; memory stays where it is).
        if len(_blocks) >= _BLOCKS_KEPT:
            _blocks.clear()
        _blocks[key] = found
    return found


@dataclass(frozen=True)
class _Frame:
    """An untouched page without its option orders, its positions written in, as UTF-8:
    each item as (where its order stands in the page's orders, the section heading before
    it and its HTML up to its options, or all of it when it has none; its options by label,
    each by the letter it gets; what follows them; its options' order when not shuffled),
    and the 答题卡. A page is then a hundred lookups and appends, whatever its orders."""

    items: tuple[tuple[int, bytes, dict[str, tuple[bytes, ...]] | None, bytes, tuple], ...]
    navigator: Markup


# By the page's frame (PageItems.frame: its items' positions, versions, points, sections)
# and its sections' headings, made when a frame comes a second time: one per paper whose
# items are not drawn (a drawn paper's frames seldom recur, and are not made).
_frames: dict[tuple, _Frame] = {}
_FRAMES_KEPT = 16  # ~3 KB per item (0.3 MB a 100-item paper): a few papers at once
_seen_frames: set[tuple] = set()


def _from_frame(page, headings: tuple, sections: dict[int, dict]):
    """An untouched page's 答题卡 and questions: its frame, kept per worker, and each item's
    options in its order; else put together from its outline (_from_kept)."""
    if (orders := page.orders()) is None:
        return None
    frame = _frames.get(frame_key := (page.frame(), headings))
    if frame is None:
        found = _from_kept(page, page.outline(), sections)
        if found is None:
            return None
        navigator, questions, framed = found
        if framed is not None and frame_key in _seen_frames:
            if len(_frames) >= _FRAMES_KEPT:
                _frames.clear()
            _frames[frame_key] = _frame(framed, navigator)
        elif framed is not None:
            if len(_seen_frames) >= _BLOCKS_KEPT * _FRAMES_KEPT:
                _seen_frames.clear()
            _seen_frames.add(frame_key)
        return navigator, questions.encode()
    out = []
    append = out.append
    try:
        for index, head, options, tail, labels in frame.items:
            append(head)
            if options is not None:
                for n, label in enumerate(orders[index] or labels):
                    append(options[label][n])
                append(tail)
    except (KeyError, IndexError):  # an order naming an option its version does not have
        return None
    return frame.navigator, b"".join(out)


def _frame(framed: list[tuple], navigator: Markup) -> _Frame:
    """The frame of a page put together from its outline: what _from_kept found of each
    item (where its order stands, its position, its kept entry or whole HTML, the heading
    before it), with the position written into every piece."""
    items = []
    for index, position, kept, heading in framed:
        if kept.__class__ is str:
            items.append((index, (heading + kept).encode(), None, b"", ()))
            continue
        options = {label: tuple(position.join(chunks).encode() for chunks in by_letter)
                   for label, by_letter in kept.options.items()}  # fmt: skip
        items.append((index, (heading + position.join(kept.head)).encode(), options,
                       position.join(kept.tail).encode(), kept.labels))  # fmt: skip
    return _Frame(tuple(items), navigator)


# The attempt page's items by what its outline says of each (services/attempt_page.py:
# version, points, section, its title, shuffled or not, as the database wrote them), so
# that nothing of an item is decoded to find it: (its entry in _unanswered, its section).
_by_outline: dict[tuple, tuple[_Kept, int]] = {}


def _from_kept(page, outline: list[tuple] | None, sections: dict[int, dict]):
    """An untouched page's 答题卡 and questions from its outline (PageItems.outline): each
    item put together from its kept entry, else rendered from what is kept of its version
    (and kept); None when that is not kept either (the rows are then read). Third, what
    makes the page's frame (_frame), if every item is kept; else None."""
    if outline is None:
        return None
    out, current, skeleton, framed = [], None, [], []
    for entry in outline:
        position, key, order, points, section_text, title, index = entry
        found = _by_outline.get(outlined := (key, points, section_text, title, bool(order)))
        html = _assemble(found[0], position, order) if found is not None else None
        if html is None:
            if (view := page.view_of(entry)) is None:
                return None
            html = item_html.question_html(view, "take")
            section = view["section_position"]
            kept = item_html._unanswered.get((key, "take", section, view["points"], bool(order)))
            if kept is not None and kept is not _UNCUT:
                if len(_by_outline) >= _UNANSWERED_KEPT:
                    _by_outline.clear()
                _by_outline[outlined] = (kept, section)
            else:
                framed = None  # rendered each time: no frame
        else:
            kept, section = found
        heading = ""
        if section != current:
            current = section
            q = {"section_position": section, "section_title": title}
            heading = _section_heading(q, sections.get(section))
            out.append(heading)
        out.append(html)
        skeleton.append((position, section, title))
        if framed is not None:
            framed.append((index, str(position), kept if kept.options is not None else str(html),
                           heading))  # fmt: skip
    return _untouched_navigator(tuple(skeleton)), Markup("".join(out)), framed


_navigators: dict[tuple, Markup] = {}


def _untouched_navigator(skeleton: tuple) -> Markup:
    """The 答题卡 with nothing answered, by (position, section, section title) per item:
    the same for every candidate whose items fall in the same sections."""
    found = _navigators.get(skeleton)
    if found is None:
        if len(_navigators) >= _BLOCKS_KEPT:
            _navigators.clear()
        found = _navigators[skeleton] = navigator_html([
            {"position": position, "section_position": section, "section_title": title,
             "response": None, "flagged": False}
            for position, section, title in skeleton
        ])  # fmt: skip
    return found


def _forget() -> None:
    _blocks.clear()
    _frames.clear()
    _seen_frames.clear()
    _by_outline.clear()
    _navigators.clear()


item_html.on_forget.append(_forget)
