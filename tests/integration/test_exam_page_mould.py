"""The exam page around its questions comes from a mould kept per paper (web/exam_page.py):
byte for byte the page the template renders whole, for every candidate, with their names as
typed; rendered whole when a paper's own text meets a stand-in, or a message is waiting."""

from __future__ import annotations

import re

from flask import template_rendered
from sqlalchemy import select

from exam_app.exams import routes
from exam_app.extensions import db
from exam_app.models import Attempt, Role
from exam_app.web import exam_page
from tests.factories import person
from tests.integration.test_taking import _objective_paper
from tests.marking_fixtures import marking_paper, sit


def _sitting(make_client, paper, username, name, *roles):
    user = person(username, Role.STAFF, *roles)
    user.name = name
    db.session.commit()
    web = make_client()
    web.login(username)
    web.post(f"/exams/papers/{paper.id}/start")
    attempt_id = db.session.scalar(
        select(Attempt.id).where(Attempt.paper_id == paper.id, Attempt.user_id == user.id)
    )
    return web, attempt_id


def _page(app, web, attempt_id) -> tuple[bytes, int]:
    """The page's bytes, and how many times the exam page's template was rendered for it."""
    rendered = []

    def count(_sender, template, **_extra):
        rendered.append(template.name)

    template_rendered.connect(count, app)
    try:
        response = web.get(f"/exams/attempts/{attempt_id}")
    finally:
        template_rendered.disconnect(count, app)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    return response.get_data(), rendered.count("exams/take.html")


def _moulds(app) -> dict:
    return app.extensions.setdefault("exam_moulds", {})


def test_every_candidate_s_page_from_the_mould_is_the_page_rendered_whole(
    app, make_client, monkeypatch
):
    monkeypatch.setattr(routes, "_remaining", lambda _attempt, _now: 1234)  # one second apart
    paper = _objective_paper(person("lead", Role.LEAD))
    first, first_id = _sitting(make_client, paper, "a", "张三")
    second, second_id = _sitting(make_client, paper, "b", "<b>王&\"五'</b>")

    _moulds(app).clear()
    whole_a, renders = _page(app, first, first_id)  # makes the mould, checks it: whole
    assert renders >= 1
    moulded_a, renders = _page(app, first, first_id)
    assert renders == 0 and moulded_a == whole_a

    moulded_b, renders = _page(app, second, second_id)
    assert renders == 0
    _moulds(app).clear()
    whole_b, renders = _page(app, second, second_id)
    assert renders >= 1 and moulded_b == whole_b
    # Each with its own attempt, name as typed and token: nothing of the first leaks.
    text = moulded_b.decode()
    assert f'data-attempt="{second_id}"' in text and f"/attempts/{first_id}/" not in text
    assert "&lt;b&gt;王&amp;&#34;五&#39;&lt;/b&gt;" in text and "张三" not in text
    assert "\x00" not in text


def test_a_paper_whose_text_meets_a_stand_in_is_rendered_whole(app, make_client):
    lead = person("lead", Role.LEAD)
    digits = str(exam_page._ID)
    paper = _objective_paper(lead)
    paper.title = f"测验 {digits}"
    db.session.commit()
    web, attempt_id = _sitting(make_client, paper, "a", "张三")
    _moulds(app).clear()
    for _ in range(2):
        page, renders = _page(app, web, attempt_id)
        assert renders >= 1
        text = page.decode()
        assert f"<h1>测验 {digits}</h1>" in text and f'data-attempt="{attempt_id}"' in text
    assert list(_moulds(app).values()) == [None]  # the paper's pages rendered whole


def test_a_waiting_message_is_shown_on_the_page(app, make_client):
    paper = _objective_paper(person("lead", Role.LEAD))
    web, attempt_id = _sitting(make_client, paper, "a", "张三")
    _page(app, web, attempt_id)
    _page(app, web, attempt_id)  # the mould made and checked
    with web._client.session_transaction() as session:  # as a redirect with a message would
        session["_flashes"] = [("warning", "网络已恢复，答案均已保存。")]
    page, renders = _page(app, web, attempt_id)
    assert renders >= 1 and "网络已恢复，答案均已保存。" in page.decode()
    again, _renders = _page(app, web, attempt_id)
    assert "网络已恢复" not in again.decode()  # shown once


def test_a_reviewer_sitting_the_exam_sees_how_many_answers_wait(app, make_client):
    lead = person("lead", Role.LEAD)
    paper = _objective_paper(lead)
    web, attempt_id = _sitting(make_client, paper, "r", "张三", Role.REVIEWER)
    for _ in range(2):  # a mould, were one kept for them, would be made and checked
        page, _renders = _page(app, web, attempt_id)
        assert "阅卷" in page.decode() and 'id="review-waiting"' not in page.decode()
    sit(marking_paper(lead), person("s", Role.STAFF))  # an answer now waits for review
    page, renders = _page(app, web, attempt_id)
    assert renders >= 1
    assert re.search(r'id="review-waiting"[^>]*>1</span>', page.decode())
