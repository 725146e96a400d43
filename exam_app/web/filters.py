"""Template filters: sanitised Markdown, answers as typed, local times, scores."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

import markdown as md
import nh3
from flask import Flask, current_app
from markupsafe import Markup, escape

from exam_app.grading.rubric import level_label

_BLANK = re.compile(r"\{\{(\d+)\}\}")
_ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "code", "pre",
    "table", "thead", "tbody", "tr", "th", "td", "h3", "h4", "h5", "hr", "span", "sup", "sub",
}  # fmt: skip


_CACHED_UP_TO = 2000  # characters: stems and options, not long essay answers


def render_markdown(text: str | None) -> Markup:
    """Markdown to HTML, then cleaned by nh3: for the bank's content (stems, rubrics), which
    may hold anything. What people type goes through as_typed instead."""
    text = text or ""
    return Markup(_cached_html(text) if len(text) <= _CACHED_UP_TO else _html(text))


def as_typed(text: object) -> Markup:
    """What a person typed (an answer, an appeal), shown exactly so: escaped, line breaks
    kept. Never Markdown: `a < b`, `<b>x</b>` or a link are part of the answer and must
    reach the reviewer as written, not be rendered or cleaned away."""
    typed = "" if text is None else str(text)
    if "\n" not in typed and "\r" not in typed:  # most answers: one line
        return escape(typed)
    lines = typed.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return Markup("<br>\n").join(escape(line) for line in lines)


def markdown_text(text: str | None) -> str:
    """The words of rendered Markdown without its tags: options, one-line summaries."""
    text = text or ""
    return _cached_text(text) if len(text) <= _CACHED_UP_TO else Markup(_html(text)).striptags()


@lru_cache(maxsize=4096)
def _cached_text(text: str) -> str:
    # 400 options on an attempt page: stripping tags anew each time was ~15 % of the page.
    return Markup(_cached_html(text)).striptags()


@lru_cache(maxsize=4096)
def _cached_html(text: str) -> str:
    # An attempt page renders ~4 texts per item and every candidate sees the same items:
    # building a Markdown parser each time was 80 % of a 100-item page (bench/RESULTS.md).
    return _html(text)


def _html(text: str) -> str:
    html = md.markdown(text, extensions=["tables", "sane_lists"])
    html = nh3.clean(html, tags=_ALLOWED_TAGS, attributes={"span": {"class"}})
    # Fill-in markers become visible numbered blanks (added after cleaning, fixed markup).
    return _BLANK.sub(lambda m: f'<span class="blank">（{int(m.group(1))}）</span>', html)


def local_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return "—"
    zone = ZoneInfo(current_app.config.get("DISPLAY_TIMEZONE", "Asia/Shanghai"))
    return value.replace(tzinfo=UTC).astimezone(zone).strftime(fmt)


def duration(seconds: int) -> str:
    """3725 -> 1:02:05, 65 -> 01:05, 90061 -> 1 天 01:01:01: the waiting room's countdown
    as its script writes it, so the page reads the same before the script runs."""
    days, rest = divmod(max(0, int(seconds)), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    clock = f"{hours}:{minutes:02d}:{secs:02d}" if hours or days else f"{minutes:02d}:{secs:02d}"
    if days:
        clock = f"{days} 天 {hours:02d}:{minutes:02d}:{secs:02d}"
    return clock


def score(value: Decimal | None) -> str:
    """8.50 -> 8.5, 5.00 -> 5: how Chinese score sheets write points."""
    if value is None:
        return "—"
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def criterion_mark(value: object, criterion: dict) -> str:
    """A criterion's mark as shown in histories and appeals: "2.5", or "2.5（部分正确）" when
    the criterion is marked by levels; "—" when not marked."""
    if value is None or value == "":
        return "—"
    label = level_label(criterion, value)
    return f"{value}（{label}）" if label else str(value)


def yuan(value: Decimal | None) -> str:
    """Money to the fen, as finance writes it: 55.50, -7.50."""
    return "—" if value is None else f"{Decimal(value):.2f}"


def init_app(app: Flask) -> None:
    app.config.setdefault("DISPLAY_TIMEZONE", "Asia/Shanghai")
    app.add_template_filter(render_markdown, "markdown")
    app.add_template_filter(markdown_text, "markdown_text")
    app.add_template_filter(as_typed, "as_typed")
    app.add_template_filter(local_time, "localtime")
    app.add_template_filter(score, "score")
    app.add_template_filter(duration, "duration")
    app.add_template_filter(criterion_mark, "criterion_mark")
    app.add_template_filter(yuan, "yuan")
    app.add_template_global(escape, "escape")

    from exam_app.web import question_html  # it uses the filters above

    app.add_template_global(question_html.question_html, "question_html")


def local_to_utc(value: datetime) -> datetime:
    """A time typed in the form (local wall clock) as naive UTC for storage."""
    zone = ZoneInfo(current_app.config.get("DISPLAY_TIMEZONE", "Asia/Shanghai"))
    return value.replace(tzinfo=zone).astimezone(UTC).replace(tzinfo=None)


def utc_to_local(value: datetime) -> datetime:
    """A stored time as the local wall clock, naive, for prefilling a form."""
    zone = ZoneInfo(current_app.config.get("DISPLAY_TIMEZONE", "Asia/Shanghai"))
    return value.replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None)
