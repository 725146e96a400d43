"""The result page's items, drawn in Python, with what never changes drawn once per worker.

After 交卷 every candidate lands on their result page in the same minutes; drawn by Jinja
item by item it cost ~30 times a bare request for a released 100-item paper (ORM
attributes, filters, a form token and a URL per item: bench/request_costs.py). What an item
shows of its snapshot — case, stem, options in this candidate's order, the key in their
letters, 解析, 出处, 参考答案 — depends only on the snapshot (immutable) and the option
order, so it is drawn once per snapshot digest and kept, and the options are lettered in
each candidate's order from the kept texts; a candidate's own parts (their
answer, score, mark, review, appeals) are drawn for each page. The route decides what may
be shown at all (released, no exam of theirs open), as before: this only draws it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import render_template, url_for
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from exam_app.content.display import display_parts
from exam_app.exams import result_view
from exam_app.exams.presenters import describe_response, key_in_letters
from exam_app.extensions import db
from exam_app.grading import KIND_LABELS
from exam_app.models import AttemptItem
from exam_app.services.results import snapshot_contents
from exam_app.web.filters import as_typed, criterion_mark, markdown_text, render_markdown, score

if TYPE_CHECKING:
    from exam_app.records.forms import AppealForm

KEPT = 8192  # item versions: a few papers' worth


@dataclass(frozen=True)
class _Shared:
    """What is shown of one snapshot whatever the candidate's option order (HTML is safe)."""

    top: str  # case and stem
    options: dict[str, str]  # the bank's label -> the option's text, escaped
    labels: tuple[str, ...]  # in the bank's order
    kind: str
    key: dict
    notes: str  # 解析, 出处
    reference: str  # 参考答案
    rubric: list[dict]


_shared: dict[str, _Shared] = {}
_MARKS = {"right": "✓", "partial": "◐", "wrong": "✗", "uncounted": ""}


def forget() -> None:
    """Tests that want to see an item drawn afresh call this (kept parts are never stale)."""
    _shared.clear()


def _draw_missing(items: list) -> None:
    """Draw the snapshots of `items` this worker has not drawn yet, read in one statement
    (the first page after a deploy: one statement rather than one per item)."""
    missing = {item.snapshot_id: item.digest for item in items if item.digest not in _shared}
    if not missing:
        return
    if len(_shared) + len(missing) > KEPT:
        _shared.clear()  # then this page's items are all missing
        missing = {item.snapshot_id: item.digest for item in items}
    for snapshot_id, content in snapshot_contents(set(missing)).items():
        # By the snapshot's digest (of its whole content), not its id: a restored or
        # another database may give an id to other content; a digest names the content.
        _shared[missing[snapshot_id]] = _draw_shared(content)


def _draw_shared(snapshot: dict) -> _Shared:
    parts = display_parts(snapshot)
    top = []
    if parts.case_title:
        top.append(Markup('<div class="case"><strong>案例：{}</strong>{}</div>').format(
            parts.case_title, render_markdown(parts.case_scenario)))  # fmt: skip
    top.append(Markup('<div class="stem">{}</div>').format(render_markdown(parts.stem)))
    notes = []
    if explanation := snapshot.get("explanation"):
        notes.append(Markup("<div><strong>解析：</strong>{}</div>").format(
            render_markdown(explanation)))  # fmt: skip
    if source := snapshot.get("source"):
        notes.append(Markup('<p class="muted">出处：{}</p>').format(source))
    reference = ""
    if answer := snapshot.get("reference_answer"):
        reference = Markup("<details><summary>参考答案</summary>{}</details>").format(
            render_markdown(answer))  # fmt: skip
    return _Shared(
        top=str(Markup("\n").join(top)),
        options={label: str(escape(markdown_text(text))) for label, text in parts.options},
        labels=tuple(label for label, _text in parts.options),
        kind=parts.kind, key=dict(snapshot.get("key") or {}),
        notes=str(Markup("\n").join(notes)), reference=str(reference),
        rubric=list(snapshot.get("rubric") or []),
    )  # fmt: skip


def _in_order(shared: _Shared, order: list[str] | None) -> tuple[str, dict[str, str]]:
    """The options as this candidate saw them (lettered A, B, C… in their order), and the
    letter each bank label got (presenters' shown_options, from the kept texts)."""
    labels = order or shared.labels
    letters = {label: chr(ord("A") + n) for n, label in enumerate(labels)}
    if not labels:
        return "", letters
    items = "".join(f"<li>{letters[label]}. {shared.options[label]}</li>" for label in labels)
    return f"<ul>{items}</ul>", letters


def _review_table(shared: _Shared, review) -> str:
    rows = "".join(
        f"<tr><td>{escape(c['title'])}（满分 {escape(c['points'])}）</td>"
        f"<td>{escape(criterion_mark(review.criteria.get(c['id']), c))}</td></tr>"
        for c in shared.rubric
    )
    comments = "".join(f"<p><strong>阅卷评语：</strong>{as_typed(c)}</p>" for c in review.comments)
    return (
        '<table class="rubric"><thead><tr><th>评分项</th><th>得分</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>{comments}"
    )


def result_items(
    items: list,
    *,
    reviews: Mapping[int, Any],
    appeals: Mapping[int, list],
    only_wrong: bool,
    appeal_form: Callable[[Any], str],
    appeal_history: Callable[[Any], str],
) -> Markup:
    """Every item of a released attempt (rows of services/results.items_for_result_page), in its
    sections.
    `appeal_form(item)` draws the form under an item that may still be appealed (or
    nothing); `appeal_history(item)` the appeals an item already has (Jinja's partial: few
    items have any). Strings are joined rather than formatted through Markup (whose
    Formatter cost most of the page): every value from the database goes through escape()
    or as_typed(), and what comes from _Shared was made safe when drawn."""
    _draw_missing(items)
    out: list[str] = []
    section = None
    for item in items:
        if item.section_title != section:
            if section is not None:
                out.append("</section>")
            section = item.section_title
            out.append(f'<section class="result-section" id="section-{int(item.section_position)}">'
                       f"<h2>{escape(section)}</h2>")  # fmt: skip
        shared = _shared[item.digest]
        options, letters = _in_order(shared, item.option_order)
        key = key_in_letters(shared.kind, shared.key, letters)
        key_html = f"<p><strong>正确答案：</strong>{escape(key)}</p>\n" if key else ""
        outcome = result_view.outcome(item)
        hidden = " hidden" if only_wrong and outcome in ("right", "uncounted") else ""
        if item.counted:
            points = f"得分 {score(item.score)} / {score(item.points)}"
        else:
            points = "未计分（超出任选题数）"
        review = reviews.get(item.id)
        position = int(item.position)
        out.append(
            f'<article class="question result-item outcome-{outcome}" id="item-{position}" '
            f'data-outcome="{outcome}"{hidden}>\n'
            f'<header><strong>{position}.</strong> <span class="badge">{KIND_LABELS[item.kind]}</span>\n'
            f'<span class="mark mark-{outcome}">{_MARKS[outcome]} {result_view.outcome_label(item, outcome)}</span>\n'
            f'<span class="points">{points}</span></header>\n{shared.top}\n{options}\n'
            f"<p><strong>您的答案：</strong>{as_typed(describe_response(item, letters))}</p>\n"
            f"{key_html}{shared.notes}\n{_review_table(shared, review) if review else ''}{shared.reference}\n"
            f"{appeal_history(item) if appeals.get(item.id) else appeal_form(item)}</article>"
        )  # fmt: skip
    if section is not None:
        out.append("</section>")
    return Markup("\n".join(out))


# A number no item id reaches, replaced by each item's id: url_for once per page, not per item.
_ANY_ITEM = 987654321987


def appeal_drawing(appeals: dict, may_appeal: bool, form: AppealForm) -> dict:
    """How the result page draws appeals under an item: the form while the period runs (one
    per item, each with the page's CSRF token), and, for the few items appealed already,
    the decisions (exams/_appeal.html)."""
    fields = Markup("<label>{}（请写明理由，最多 1000 字）{}</label>").format(
        form.reason.label.text, form.reason(rows=3, required=True, maxlength=1000)
    )
    # The form is the same under every item but for the item's id in its action: split
    # there once (Markup's formatting per item cost more than the rest of the item).
    before, after = str(url_for("records.file_appeal", item_id=_ANY_ITEM)).split(str(_ANY_ITEM))
    head = (
        '<details class="appeal-form"><summary>对本题得分提出申诉</summary>\n'
        f'<form method="post" action="{escape(before)}'
    )
    tail = (
        f'{escape(after)}">\n<input type="hidden" name="csrf_token" '
        f'value="{escape(generate_csrf())}">\n{fields}\n'
        '<button type="submit">提交申诉</button>\n</form>\n</details>\n'
    )

    def appeal_form(item) -> str:
        if not (may_appeal and item.counted):
            return ""
        return f"{head}{int(item.id)}{tail}"

    def appeal_history(row) -> Markup:
        item = db.session.get(AttemptItem, row.id)  # few items: the partial reads its rubric
        return Markup(render_template("exams/_appeal.html", d={"item": item}, appeals=appeals,
                                      may_appeal=may_appeal, appeal_fields=fields))  # fmt: skip

    return {"appeal_form": appeal_form, "appeal_history": appeal_history}
