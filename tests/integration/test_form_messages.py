"""Every WTForms validation message is Chinese (#13), through one hook for every form; and
the site's icon."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import wtforms

from exam_app.models import Role
from exam_app.models.base import utcnow
from exam_app.services import papers as paper_service
from exam_app.web.form_messages import MESSAGES, PLURALS
from tests.factories import person

HAN = re.compile(r"[\u4e00-\u9fff]")


def test_every_message_wtforms_has_is_written_in_chinese():
    pot = (Path(wtforms.__file__).parent / "locale" / "wtforms.pot").read_text("utf-8")
    singular = re.findall(r'^msgid "(.+)"$', pot, re.M)
    plural = set(re.findall(r'^msgid "(.+)"\nmsgid_plural', pot, re.M))
    assert len(singular) > 30
    for msgid in singular:
        text = (PLURALS if msgid in plural else MESSAGES).get(msgid.replace('\\"', '"'))
        assert text and HAN.search(text), msgid


def test_a_form_given_letters_for_numbers_answers_in_chinese(app, make_client):
    lead = person("lead", Role.LEAD)
    now = utcnow()
    paper = paper_service.create_paper(
        created_by=lead, title="设置", quarter="2026Q4", opens_at=now,
        closes_at=now + timedelta(days=1), time_limit_minutes=30, pass_mark="1",
    )  # fmt: skip
    web = make_client()
    web.login("lead")
    page = web.post(
        f"/papers/{paper.id}/settings",
        {
            "title": "设置",
            "kind": "nope",
            "quarter": "2026Q4",
            "opens_at": "明天",
            "closes_at": "2026-12-31T10:00",
            "time_limit_minutes": "六十",
            "pass_mark": "x",
            "attempts_allowed": "1",
            "multi_rule": "half",
            "release_policy": "auto",
            "marking_rule": "average",
            "appeal_days": "5",
        },  # fmt: skip
    ).get_data(as_text=True)
    errors = re.findall(r'<span class="field-error">([^<]*)</span>', page)
    assert "请填写整数。" in errors and "请填写数字。" in errors and "请选择列出的选项。" in errors
    assert all(HAN.search(e) for e in errors), errors
    assert "Not a valid" not in page


def test_the_site_has_an_icon_every_page_links(app, client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    assert b"<svg" in icon.data
    assert 'rel="icon" href="/static/favicon.svg"' in client.get("/login").get_data(as_text=True)
