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

from functools import lru_cache
from typing import Any

from markupsafe import Markup, escape

from exam_app.web.filters import markdown_text, render_markdown, score

_UNANSWERED_KEPT = 16384
# An unanswered item's HTML cut where its position goes, by what is shown (`shown_key`: the
# item version and option order), mode, section and points: one entry serves the item at
# any position, so a paper that shuffles options (or items) still finds its items here.
_unanswered: dict[tuple, tuple[str, ...]] = {}
_SLOT = "\x00"  # the position while an item is rendered to be kept (see _cut)
_UNCUT = ()  # kept for an item whose texts hold _SLOT: rendered each time


def question_html(q: dict[str, Any], mode: str = "take") -> Markup:
    """At the start of an exam every item is unanswered: such an item's HTML depends only on
    what is shown, its position and its points, so it is made once per worker and reused
    for every candidate, the position put in."""
    shown = q.get("shown_key")
    if shown is None or q["response"] is not None or q["flagged"] or q["save_seq"]:
        return _render(q, mode)
    key = (shown, mode, q["section_position"], q["points"])
    chunks = _unanswered.get(key)
    if chunks is None:
        if len(_unanswered) >= _UNANSWERED_KEPT:
            _unanswered.clear()
        chunks = _unanswered[key] = _cut(q, mode)
    if chunks is _UNCUT:
        return _render(q, mode)
    return Markup(str(q["position"]).join(chunks))


def _cut(q: dict[str, Any], mode: str) -> tuple[str, ...]:
    """The item rendered with _SLOT for its position, cut there; _UNCUT when a text of the
    item holds _SLOT itself (it would be taken for the position)."""
    texts = (q["stem"], q["case_title"] or "", q["case_scenario"] or "",
             *(o["label"] + o["text"] for o in q["options"]))  # fmt: skip
    if any(_SLOT in text for text in texts):
        return _UNCUT
    return tuple(_render({**q, "position": _SLOT}, mode).split(_SLOT))


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
    options = tuple((o["letter"], o["label"], o["text"]) for o in q["options"])
    texts, option_texts = _texts(q["stem"], q["case_title"], q["case_scenario"], options)
    out.append(texts)
    name = f"q{pos}"
    if kind in ("single", "multi"):
        out.append('<div class="options">')
        kind_input = "radio" if kind == "single" else "checkbox"
        for o, text in zip(q["options"], option_texts, strict=True):
            if mode == "print":
                out.append(f"<label>{text}</label>")
                continue
            chosen = response == o["label"] if kind == "single" else o["label"] in (response or ())
            out.append(
                f'<label><input type="{kind_input}" name="{name}" value="{escape(o["label"])}"'
                f"{' checked' if chosen else ''}>{text}</label>"
            )
        out.append("</div>")
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
def _texts(
    stem: str, case_title: str | None, case_scenario: str | None, options: tuple
) -> tuple[str, tuple[str, ...]]:
    """The item's texts as HTML, once per worker for each item version and option order."""
    case = (
        f'<div class="case"><strong>案例：{escape(case_title)}</strong>'
        f"{render_markdown(case_scenario)}</div>"
        if case_title
        else ""
    )
    stem_html = f'<div class="stem">{render_markdown(stem)}</div>'
    spans = tuple(
        f"<span>{letter}. {escape(markdown_text(text))}</span>" for letter, _label, text in options
    )
    return case + stem_html, spans


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


_BLOCKS_KEPT = 64
_blocks: dict[tuple, tuple[Markup, Markup]] = {}


def forget_pages() -> None:
    """Tests that want cold caches call this."""
    _blocks.clear()
    _unanswered.clear()
    _by_outline.clear()
    _navigators.clear()


def attempt_html(page, sections: dict[int, dict]) -> tuple[Markup, Markup]:
    """The attempt page's 答题卡 and questions. At the start of an exam nothing is answered:
    every candidate of a paper without shuffling sees the same page, made once per worker
    and shape (services/attempt_page.py) and reused; with shuffled options each page is
    put together from its items as this worker keeps them, without their rows read."""
    shape = page.shape() if page.untouched else None
    if shape is None:
        views = page.views()
        return navigator_html(views), questions_html(views, sections, "take")
    key = (shape, tuple(tuple(sorted(s.items())) for _position, s in sorted(sections.items())))
    found = _blocks.get(key)
    if found is None:
        found = _from_kept(page, sections)
        if found is None:  # an item not rendered yet in this worker: from the rows
            views = page.views()
            found = (navigator_html(views), questions_html(views, sections, "take"))
        if len(_blocks) >= _BLOCKS_KEPT:
            _blocks.clear()
        _blocks[key] = found
    return found


# The attempt page's items by what the page's outline says of each apart from its position
# (services/attempt_page.PageItems.outline): (its HTML cut where the position goes, its
# section, the section's title). Found without decoding anything of the item.
_by_outline: dict[str, tuple[tuple[str, ...], int, str]] = {}


def _from_kept(page, sections: dict[int, dict]):
    """An untouched page's 答题卡 and questions from its outline: each item's HTML as kept,
    else rendered from what is kept of its version; None when that is not kept either."""
    outline = page.outline()
    if outline is None:
        return None
    out, current, skeleton = [], None, []
    for position, rest in outline:
        kept = _by_outline.get(rest)
        if kept is None:
            if (view := page.view_of(position, rest)) is None:
                return None
            html = question_html(view, "take")
            section, title = view["section_position"], view["section_title"]
            chunks = _unanswered.get((view["shown_key"], "take", section, view["points"]))
            if chunks:  # not _UNCUT
                if len(_by_outline) >= _UNANSWERED_KEPT:
                    _by_outline.clear()
                _by_outline[rest] = (chunks, section, title)
        else:
            chunks, section, title = kept
            html = str(position).join(chunks)
        if section != current:
            current = section
            q = {"section_position": section, "section_title": title}
            out.append(_section_heading(q, sections.get(section)))
        out.append(html)
        skeleton.append((position, section, title))
    return _untouched_navigator(tuple(skeleton)), Markup("".join(out))


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
