"""The exam page as UTF-8: its questions put in as bytes, the rest from a mould per paper.

A hundred items are four fifths of the page (~100 KB). Rendered into the template as text,
they were joined into it and then encoded for the response, which in a worker cost about
as much as putting them together; kept as UTF-8 (attempt_html.py), they are put
in between the template's two halves, each encoded on its own (a few KB).

What is around them (header, menu, the exam bar, the 交卷 form) is the same for every
candidate of a paper but for a few values: the attempt's id in its links, the candidate
code, the time left, the 答题卡, the CSRF token, the person's name and staff number. At the
start, rendering it was a third of the start's own work (0.37 ms: Jinja, ~15 links, the
context processors). So a worker renders it once per paper with stand-ins for those values
(`_Mould`) and fills in each candidate's, escaped as the template escapes them. The first
page from a mould is also rendered whole and compared byte for byte; a mould that differs
(a stand-in met in the paper's own text, a template that uses a value another way) is
dropped for that paper, whose pages are then rendered whole as before. Pages with a
message to show (flash), or for a reviewer (whose menu counts waiting answers), are always
rendered whole.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from types import SimpleNamespace

from flask import current_app, render_template, request, session
from flask_login import current_user
from markupsafe import Markup, escape

from exam_app.models import Role
from exam_app.web.csrf_memo import remembered_csrf_token
from exam_app.web.menu import active_entry, menu_for

log = logging.getLogger(__name__)

# Where the questions go: text nobody can type into a page (a NUL), checked to be there
# exactly once.
_HERE = Markup("<!--\x00questions\x00-->")

# Stand-ins: texts holding a NUL (no person's text or paper holds one) and ids too long to
# be any row's, each written in the page exactly as the template writes it.
_ID, _LEFT = 918273645546372819, 728191827364554637
_STANDINS = {
    "attempt_id": str(_ID),
    "remaining": str(_LEFT),
    "code": "\x00code\x00",
    "name": "\x00name\x00",
    "staff_no": "\x00staff\x00",
    "csrf": "\x00csrf\x00",
    "navigator": "\x00navigator\x00",
    "questions": str(_HERE),
}
_SLOT = {text: name for name, text in _STANDINS.items()}
_SPLIT = re.compile("(" + "|".join(re.escape(text) for text in _STANDINS.values()) + ")")
_TEMPLATE = "exams/take.html"
_KEPT = 64  # moulds (papers × menus) a worker keeps; then starts again


@dataclasses.dataclass
class _Mould:
    pieces: list[bytes]  # one more than slots: piece, slot, piece, …, piece
    slots: list[str]
    checked: bool = False


def exam_page(attempt, items: list, navigator: Markup, questions: bytes, remaining: int) -> bytes:
    """The whole exam page for this request's candidate (`take.html`)."""
    context = {"attempt": attempt, "items": items, "navigator": navigator,
               "remaining": remaining}  # fmt: skip
    user = current_user._get_current_object()
    if (
        "_flashes" in session
        or not user.is_authenticated
        or user.must_change_password
        or user.has_role(Role.REVIEWER)
    ):
        return render_with_questions(_TEMPLATE, questions, **context)
    menu = menu_for(user)
    active = active_entry(menu, request.endpoint)
    # The app's own (its links' root may differ), None for a paper rendered whole.
    moulds: dict[tuple, _Mould | None] = current_app.extensions.setdefault("exam_moulds", {})
    key = (attempt.paper, len(items), tuple(menu), active, request.script_root)
    if key not in moulds:
        if len(moulds) >= _KEPT:
            moulds.clear()
        moulds[key] = _made(attempt, items, menu, active)
    mould = moulds[key]
    if mould is None:
        return render_with_questions(_TEMPLATE, questions, **context)
    values = {
        "attempt_id": str(attempt.id).encode(),
        "remaining": str(remaining).encode(),
        "code": str(escape(attempt.candidate_code)).encode(),
        "name": str(escape(user.name)).encode(),
        "staff_no": str(escape(user.staff_no)).encode(),
        "csrf": str(escape(remembered_csrf_token())).encode(),
        "navigator": str(navigator).encode(),
        "questions": questions,
    }
    page = [mould.pieces[0]]
    for slot, piece in zip(mould.slots, mould.pieces[1:], strict=True):
        page += (values[slot], piece)
    filled = b"".join(page)
    if mould.checked:
        return filled
    whole = render_with_questions(_TEMPLATE, questions, **context)
    if whole == filled:
        mould.checked = True
    else:
        log.warning("exam page of %r: its mould differs from the page, rendered whole",
                    attempt.paper.title)  # fmt: skip
        moulds[key] = None
    return whole


def _made(attempt, items: list, menu: list, active: str | None) -> _Mould | None:
    """The page rendered with stand-ins, cut at them; None unless the questions and the
    答题卡 each have one place (every other value is checked with the first page)."""
    stand_in = SimpleNamespace(is_authenticated=True, must_change_password=False,
                               name=_STANDINS["name"], staff_no=_STANDINS["staff_no"])  # fmt: skip
    text = render_template(
        _TEMPLATE,
        attempt=dataclasses.replace(attempt, id=_ID, candidate_code=_STANDINS["code"]),
        items=items,
        navigator=Markup(_STANDINS["navigator"]),
        questions=_HERE,
        remaining=_LEFT,
        current_user=stand_in,
        csrf_token=lambda: _STANDINS["csrf"],
        menu=menu,
        menu_active=active,
        review_waiting=None,
    )
    parts = _SPLIT.split(text)
    slots = [_SLOT[standin] for standin in parts[1::2]]
    if slots.count("questions") != 1 or slots.count("navigator") != 1:
        return None
    return _Mould([piece.encode() for piece in parts[0::2]], slots)


def render_with_questions(template: str, questions: bytes, **context) -> bytes:
    page = render_template(template, questions=_HERE, **context)
    head, found, tail = page.partition(_HERE)
    if not found or _HERE in tail:  # not there, or also in a text from someone: in place
        return render_template(template, questions=Markup(questions.decode()), **context).encode()
    return b"".join((head.encode(), questions, tail.encode()))
