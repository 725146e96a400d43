"""The exam page as UTF-8, its questions put in as bytes.

A hundred items are four fifths of the page (~100 KB). Rendered into the template as text,
they were joined into it and then encoded for the response, which in a worker cost about
as much as putting them together; kept as UTF-8 (attempt_html.py), they are put
in between the template's two halves, each encoded on its own (a few KB).
"""

from __future__ import annotations

from flask import render_template
from markupsafe import Markup

# Where the questions go: text nobody can type into a page (a NUL), checked to be there
# exactly once.
_HERE = Markup("<!--\x00questions\x00-->")


def render_with_questions(template: str, questions: bytes, **context) -> bytes:
    page = render_template(template, questions=_HERE, **context)
    head, found, tail = page.partition(_HERE)
    if not found or _HERE in tail:  # not there, or also in a text from someone: in place
        return render_template(template, questions=Markup(questions.decode()), **context).encode()
    return b"".join((head.encode(), questions, tail.encode()))
