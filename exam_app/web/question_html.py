"""One question as a candidate sees it, as HTML: the attempt page, practice, previews, print.

Written in Python rather than as a Jinja macro because the attempt page renders a hundred
of them for every candidate at the start of an exam: string building costs a tenth of a
macro call. The texts (stem, options, case) go through the cached Markdown filters, so
their HTML is made once per worker; what differs per candidate is only the position, the
letters of shuffled options and the answers. Everything from a person is escaped here.

`q` is a candidate view (exams/presenters.py); `mode` is "take" (live inputs with
autosave), "practice" (live inputs, a plain form), "preview" (disabled) or "print"
(lines to write on).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from markupsafe import Markup, escape

from exam_app.web.filters import markdown_text, render_markdown, score

_UNANSWERED_KEPT = 16384
_POS = "\x00"  # where the position goes while an item is rendered to be kept (_Kept)
_OPTIONS_OPEN, _OPTIONS_CLOSE = '<div class="options">', "</div>"


@dataclass(frozen=True)
class _Kept:
    """An unanswered item's HTML for any position and option order, cut where the position
    goes: `head` (up to its options) and `tail`; each option by its label and by the letter
    it gets (A, B, … by where it is shown). Without options, all is `head`."""

    head: tuple[str, ...]
    options: dict[str, tuple[tuple[str, ...], ...]] | None = None
    labels: tuple[str, ...] = ()  # the order shown when the item's order is not shuffled
    tail: tuple[str, ...] = ()
    # The whole item cut where the position goes, by option order, for the first orders
    # that come (_ORDERS_KEPT): a page is then one join per item.
    by_order: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict, compare=False)


_UNCUT = _Kept(())  # an item that could not be cut (a text holding _POS): rendered each time
# By item version (`shown_key`'s first part), mode, section, points and whether its
# options are shuffled: one entry serves the item at any position in any order.
_unanswered: dict[tuple, _Kept] = {}


def question_html(q: dict[str, Any], mode: str = "take") -> Markup:
    """At the start of an exam every item is unanswered: such an item's HTML depends only on
    what is shown, its position, its option order and its points, so it is made once per
    worker and item version and put together for every candidate."""
    shown = q.get("shown_key")
    if shown is None or q["response"] is not None or q["flagged"] or q["save_seq"]:
        return _render(q, mode)
    key = (shown[0], mode, q["section_position"], q["points"], bool(shown[1]))
    kept = _unanswered.get(key)
    if kept is None:
        if len(_unanswered) >= _UNANSWERED_KEPT:
            _forget_items()
        html = _render(q, mode)
        kept = _keep(q, mode)
        # Kept only if it gives back what _render made: a text holding _POS would have
        # taken the position.
        if _assemble(kept, q["position"], shown[1]) != html:
            kept = _UNCUT
        _unanswered[key] = kept
        return html
    html = _assemble(kept, q["position"], shown[1]) if kept is not _UNCUT else None
    return _render(q, mode) if html is None else Markup(html)


def _keep(q: dict[str, Any], mode: str) -> _Kept:
    # Plain strings from here: Markup would escape what is added to it or put in.
    if q["kind"] not in ("single", "multi"):
        return _Kept(str(_render({**q, "position": _POS}, mode)).split(_POS))
    bare = str(_render({**q, "position": _POS, "options": []}, mode))
    head, found, tail = bare.partition(_OPTIONS_OPEN + _OPTIONS_CLOSE)
    if not found:
        return _UNCUT
    kind_input = "radio" if q["kind"] == "single" else "checkbox"
    letters = [chr(65 + n) for n in range(len(q["options"]))]
    options = {
        o["label"]: tuple(
            _option(kind_input, mode, f"q{_POS}", o["label"], _option_span(letter, o["text"]),
                    False).split(_POS)
            for letter in letters
        )
        for o in q["options"]
    }  # fmt: skip
    return _Kept((head + _OPTIONS_OPEN).split(_POS), options,
                 tuple(o["label"] for o in q["options"]), (_OPTIONS_CLOSE + tail).split(_POS))  # fmt: skip


def _assemble(kept: _Kept, position: int, order: tuple[str, ...]) -> str | None:
    """The item at this position with its options in this order; None if the order names
    an option the entry does not have (it was kept from another version's view)."""
    if kept.options is None:
        return str(position).join(kept.head)
    chunks = kept.by_order.get(order)
    if chunks is None:
        options = []
        for n, label in enumerate(order or kept.labels):
            if (option := kept.options.get(label)) is None or n >= len(option):
                return None
            options.append(option[n])
        chunks = _joined(kept.head, *options, kept.tail)
        if len(kept.by_order) < _ORDERS_KEPT and _orders_kept[0] < _ALL_ORDERS_KEPT:
            kept.by_order[order] = chunks
            _orders_kept[0] += 1
    return str(position).join(chunks)


_ORDERS_KEPT = 24  # per item: four options' orders (more would grow with every candidate)
_ALL_ORDERS_KEPT = 4096  # in all, ~2 KB each: a 100-item paper's, not a practising bank's
_orders_kept = [0]


# What other caches hold kept entries (web/attempt_html.py): cleared with them, so the
# bounds on entries and orders kept hold in all.
on_forget: list = []


def _forget_items() -> None:
    _unanswered.clear()
    _orders_kept[0] = 0
    for forget in on_forget:
        forget()


def forget_pages() -> None:
    """Tests that want cold caches call this."""
    _forget_items()


def _joined(*pieces: tuple[str, ...]) -> tuple[str, ...]:
    """Pieces each cut where the position goes, as one: the last chunk of each meets the
    first of the next (no position between them)."""
    out = list(pieces[0])
    for piece in pieces[1:]:
        out[-1] += piece[0]
        out.extend(piece[1:])
    return tuple(out)


def _render(q: dict[str, Any], mode: str) -> Markup:
    pos, kind, response = q["position"], q["kind"], q["response"]
    out = [
        f'<fieldset class="question" id="q{pos}" data-position="{pos}" data-kind="{kind}" '
        f'data-seq="{q["save_seq"]}" data-blanks="{q["blanks"]}" '
        f'data-section="{q["section_position"]}"{" disabled" if mode == "preview" else ""}>'
        f'<header><legend><strong>{pos}.</strong> <span class="badge">{q["kind_label"]}</span> '
        f'<span class="points">（{score(q["points"])} 分）</span></legend>'
    ]
    if mode == "take":
        pressed, label = ("true", "已标记") if q["flagged"] else ("false", "标记")
        saved = "已保存" if response is not None else ""
        out.append(
            f'<button type="button" class="flag" aria-pressed="{pressed}">{label}</button>'
            f'<span class="save-state" aria-live="polite">{saved}</span>'
        )
    out.append("</header>")
    out.append(_texts(q["stem"], q["case_title"], q["case_scenario"]))
    name = f"q{pos}"
    if kind in ("single", "multi"):
        out.append(_OPTIONS_OPEN)
        kind_input = "radio" if kind == "single" else "checkbox"
        for o in q["options"]:
            chosen = response == o["label"] if kind == "single" else o["label"] in (response or ())
            text = _option_span(o["letter"], o["text"])
            out.append(_option(kind_input, mode, name, o["label"], text, chosen))
        out.append(_OPTIONS_CLOSE)
    elif kind == "tf":
        if mode == "print":
            out.append('<div class="options"><p>（　）正确　（　）错误</p></div>')
        else:
            yes = " checked" if response is True else ""
            no = " checked" if response is False else ""
            out.append(
                f'<div class="options"><label><input type="radio" name="{name}" value="true"{yes}>'
                f' 正确</label><label><input type="radio" name="{name}" value="false"{no}>'
                " 错误</label></div>"
            )
    elif kind == "fill":
        for n in range(q["blanks"]):
            if mode == "print":
                field = '<span class="write-line"></span>'
            else:
                value = escape(response[n]) if response and n < len(response) else ""
                field = (
                    f'<input type="text" name="{name}-{n}" maxlength="500" autocomplete="off"'
                    f' value="{value}">'
                )
            out.append(f"<label>第 {n + 1} 空 {field}</label>")
    elif mode == "print":
        out.append('<div class="write-area"></div>')
    else:
        out.append(
            f'<label>作答 <textarea name="{name}" maxlength="20000">{escape(response or "")}'
            "</textarea></label>"
        )
    out.append("</fieldset>")
    return Markup("".join(out))


@lru_cache(maxsize=8192)
def _texts(stem: str, case_title: str | None, case_scenario: str | None) -> str:
    """The item's case and stem as HTML, once per worker for each item version."""
    case = (
        f'<div class="case"><strong>案例：{escape(case_title)}</strong>'
        f"{render_markdown(case_scenario)}</div>"
        if case_title
        else ""
    )
    return case + f'<div class="stem">{render_markdown(stem)}</div>'


@lru_cache(maxsize=16384)
def _option_span(letter: str, text: str) -> str:
    """An option's text as shown under its letter: once per text and letter, not per order
    (shuffled options would make thousands of orders)."""
    return f"<span>{letter}. {escape(markdown_text(text))}</span>"


def _option(kind_input: str, mode: str, name: str, label: str, text: str, chosen: bool) -> str:
    """One option of a choice item; `text` its lettered span."""
    if mode == "print":
        return f"<label>{text}</label>"
    return (
        f'<label><input type="{kind_input}" name="{name}" value="{escape(label)}"'
        f"{' checked' if chosen else ''}>{text}</label>"
    )


def questions_html(items: list[dict[str, Any]], sections: dict[int, dict], mode: str) -> Markup:
    """Every item with its section's heading before the first of it (the attempt page)."""
    out, current = [], None
    for q in items:
        if q["section_position"] != current:
            current = q["section_position"]
            out.append(_section_heading(q, sections.get(current)))
        out.append(question_html(q, mode))
    return Markup("".join(out))


def _section_heading(q: dict[str, Any], section: dict | None) -> str:
    parts = [
        f'<h2 class="section-title" id="s{q["section_position"]}" '
        f'data-section="{q["section_position"]}">{escape(q["section_title"])}</h2>'
    ]
    if section and section.get("instructions"):
        parts.append(f'<div class="muted">{render_markdown(section["instructions"])}</div>')
    if section and section.get("mode") == "choice":
        k = int(section["choose_count"])
        parts.append(
            f'<p class="flash warning choice-note" data-section="{q["section_position"]}" '
            f'data-choose="{k}">本大题任选 {k} 题作答，已答 <span class="choice-count">0</span> 题；'
            f"多答者按题号顺序计前 {k} 题。</p>"
        )
    return "".join(parts)


def navigator_html(items: list[dict[str, Any]]) -> Markup:
    """The 答题卡: the items of each section under its title, one link per item, marked
    answered or flagged (the page keeps the marks up to date as answers are given)."""
    out, current = [], None
    for q in items:
        pos, section = q["position"], q["section_position"]
        if section != current:
            if current is not None:
                out.append("</div></div>")
            current = section
            out.append(
                f'<div class="nav-section" data-section="{section}">'
                f'<p class="nav-title">{escape(q["section_title"])}'
                f' <span class="nav-choice"></span></p><div class="nav-items">'
            )
        marks = " ".join(
            mark
            for mark, on in (("answered", q["response"] is not None), ("flagged", q["flagged"]))
            if on
        )
        out.append(f'<a href="#q{pos}" data-nav="{pos}" class="{marks}">{pos}</a>')
    if current is not None:
        out.append("</div></div>")
    return Markup("".join(out))
