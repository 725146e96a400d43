"""The exam page is its template's two halves around the questions kept as UTF-8
(web/exam_page.py): the same bytes as the page rendered whole, also when a text on the page
happens to hold the marker the questions are put at."""

from __future__ import annotations

from markupsafe import escape

from exam_app.web import exam_page

QUESTIONS = "<fieldset>1. 电费违约金（　）</fieldset>"


def _template(monkeypatch, instructions: str):
    """A stand-in for the exam page's template: the paper's instructions (a person's
    text, as Markdown would pass it), then the questions."""

    def render(_name, questions, title):
        return f"<h1>{escape(title)}</h1><div>{instructions}</div>{questions}<p>交卷</p>"

    monkeypatch.setattr(exam_page, "render_template", render)


def test_the_questions_go_between_the_halves_as_they_are(monkeypatch):
    _template(monkeypatch, "考试须知")
    page = exam_page.render_with_questions("t", QUESTIONS.encode(), title="季度考试")
    assert page == f"<h1>季度考试</h1><div>考试须知</div>{QUESTIONS}<p>交卷</p>".encode()


def test_a_text_holding_the_marker_is_left_as_it_is(monkeypatch):
    marker = str(exam_page._HERE)
    _template(monkeypatch, f"见{marker}")
    page = exam_page.render_with_questions("t", QUESTIONS.encode(), title="季度考试")
    expected = f"<h1>季度考试</h1><div>见{marker}</div>{QUESTIONS}<p>交卷</p>"
    assert page.decode() == expected
