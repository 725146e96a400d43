"""Taking an exam beyond saving: flags, the clock, leaving the page, shuffled options,
long exams; and what leads see while it runs."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from exam_app.extensions import db
from exam_app.models import Attempt, AttemptEvent, Question, Role
from exam_app.models.base import utcnow
from exam_app.services import papers as paper_service
from tests.factories import first_of_kind, key_response, person


def _objective_paper(lead, **settings):
    now = utcnow()
    paper = paper_service.create_paper(
        created_by=lead, title="客观题测验", quarter="2026Q4", opens_at=now - timedelta(minutes=5),
        closes_at=now + timedelta(days=1), time_limit_minutes=30, pass_mark="1", **settings,
    )  # fmt: skip
    uids = [first_of_kind(k).uid for k in ("single", "multi", "tf", "fill")]
    paper_service.add_fixed_section(paper, title="一、客观题", question_uids=uids, points="2")
    paper_service.publish(paper)
    return paper


@pytest.fixture
def lead(app):
    return person("lead", Role.LEAD)


def _start(web, paper) -> Attempt:
    web.post(f"/exams/papers/{paper.id}/start")
    return db.session.scalar(select(Attempt).where(Attempt.paper_id == paper.id))


def test_a_flag_is_kept_on_the_server_and_shown_again(lead, make_client):
    paper = _objective_paper(lead)
    person("s", Role.STAFF)
    web = make_client()
    web.login("s")
    attempt = _start(web, paper)
    assert web.post_json(f"/exams/attempts/{attempt.id}/flags",
                         {"position": 2, "flagged": True}).json["ok"]  # fmt: skip
    page = web.get(f"/exams/attempts/{attempt.id}").get_data(as_text=True)
    assert re.search(r'data-nav="2" class="[^"]*flagged', page)
    assert page.count('aria-pressed="true"') == 1


def test_the_clock_is_the_servers(lead, make_client):
    paper = _objective_paper(lead)
    person("s", Role.STAFF)
    web = make_client()
    web.login("s")
    attempt = _start(web, paper)
    clock = web.get(f"/exams/attempts/{attempt.id}/clock").json
    assert clock["status"] == "in_progress" and 29 * 60 < clock["remaining"] <= 30 * 60
    attempt.deadline_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    assert web.get(f"/exams/attempts/{attempt.id}/clock").json["status"] != "in_progress"


def test_leaving_the_page_is_recorded_and_past_the_limit_submits(lead, make_client):
    paper = _objective_paper(lead, tab_switch_limit=1)
    person("s", Role.STAFF)
    web = make_client()
    web.login("s")
    attempt = _start(web, paper)
    first = web.post_json(f"/exams/attempts/{attempt.id}/left-page", {}).json
    assert first["closed"] is False and first["switches"] == 1
    second = web.post_json(f"/exams/attempts/{attempt.id}/left-page", {}).json
    assert second["closed"] is True
    db.session.refresh(attempt)
    assert attempt.status != "in_progress" and attempt.auto_submitted
    kinds = [e.kind for e in db.session.scalars(select(AttemptEvent).order_by(AttemptEvent.id))]
    assert kinds == ["left_page", "left_page", "auto_submitted_tabs"]
    lead_web = make_client()
    lead_web.login("lead")
    monitor = lead_web.get(f"/papers/{paper.id}/monitor").get_data(as_text=True)
    assert "已交卷 1" in monitor and "自动交卷" in monitor


def test_shuffled_options_are_recorded_and_graded_by_the_banks_labels(lead, make_client):
    paper = _objective_paper(lead, shuffle_options=True)
    person("s", Role.STAFF)
    web = make_client()
    web.login("s")
    attempt = _start(web, paper)
    single = next(i for i in attempt.items if i.kind == "single")
    labels = [o["label"] for o in single.snapshot["options"]]
    assert sorted(single.option_order) == sorted(labels)
    page = web.get(f"/exams/attempts/{attempt.id}").get_data(as_text=True)
    shown = re.findall(rf'name="q{single.position}" value="([A-H])"', page)
    assert shown == single.option_order
    for item in attempt.items:
        web.post_json(f"/exams/attempts/{attempt.id}/answers",
                      {"position": item.position, "response": key_response(item.snapshot), "seq": 1})  # fmt: skip
    web.post(f"/exams/attempts/{attempt.id}/submit")
    db.session.refresh(attempt)
    assert attempt.status == "released" and attempt.total == attempt.max_total
    result = web.get(f"/exams/attempts/{attempt.id}/result/items").get_data(as_text=True)
    letter = "ABCDEFGH"[single.option_order.index(single.snapshot["key"]["answer"])]
    assert f"正确答案：</strong>{letter}</p>" in result


def test_autosave_keeps_working_with_a_page_opened_hours_ago(app, lead, make_client, monkeypatch):
    paper = _objective_paper(lead)
    person("s", Role.STAFF)
    web = make_client()
    web.login("s")
    attempt = _start(web, paper)
    with web.http.session_transaction() as session:
        raw = session["csrf_token"]
    # The token a page opened three hours ago carries (Flask-WTF's own signing).
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() - 3 * 3600)
    old_token = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(raw)
    monkeypatch.setattr(time, "time", real_time)
    response = web.http.post(
        f"/exams/attempts/{attempt.id}/answers",
        json={"position": 1, "response": None, "seq": 5},
        headers={"X-CSRFToken": old_token, "Accept": "application/json"},
    )
    assert response.status_code == 200, response.json


def test_lead_previews_and_prints_a_paper_with_and_without_key(lead, make_client):
    paper = _objective_paper(lead)
    web = make_client()
    web.login("lead")
    single = first_of_kind("single")
    preview = web.get(f"/papers/{paper.id}/preview").get_data(as_text=True)
    assert "示例抽题" in preview and "disabled" in preview
    sheet = web.get(f"/papers/{paper.id}/print").get_data(as_text=True)
    assert "姓名" in sheet and "答案：" not in sheet
    key = web.get(f"/papers/{paper.id}/print?key=1").get_data(as_text=True)
    assert f"答案：{single.key['answer']}" in key
    monitor = web.get(f"/papers/{paper.id}/monitor").get_data(as_text=True)
    assert "未开始" in monitor


def test_practice_gives_feedback_after_answering_and_fills_the_wrong_book(app, make_client):
    person("s", Role.STAFF)
    web = make_client()
    web.login("s")
    question = first_of_kind("single")
    topic_page = web.get("/exams/practice").get_data(as_text=True)
    assert question.topic in topic_page
    ask = web.get(f"/exams/practice/question?topic={question.topic}").get_data(as_text=True)
    assert "提交答案" in ask and "解析" not in ask
    wrong = next(o["label"] for o in question.options if o["label"] != question.key["answer"])
    feedback = web.post("/exams/practice/answer", {"uid": question.uid, "q1": wrong,
                                                   "topic": question.topic}).get_data(as_text=True)  # fmt: skip
    assert "回答错误" in feedback and f"正确答案：{question.key['answer']}" in feedback
    assert "解析" in feedback
    book = web.get("/exams/wrong-book").get_data(as_text=True)
    assert '错题本 <span class="badge">1 题' in book
    right = web.post("/exams/practice/answer", {"uid": question.uid, "q1": question.key["answer"],
                                                "topic": question.topic}).get_data(as_text=True)  # fmt: skip
    assert "回答正确" in right
    assert "没有错题" in web.get("/exams/wrong-book").get_data(as_text=True)


def test_a_wrong_item_in_a_released_exam_enters_the_wrong_book(lead, make_client):
    paper = _objective_paper(lead)
    person("s", Role.STAFF)
    web = make_client()
    web.login("s")
    attempt = _start(web, paper)
    web.post(f"/exams/attempts/{attempt.id}/submit")  # nothing answered: all wrong
    book = web.get("/exams/wrong-book").get_data(as_text=True)
    assert '错题本 <span class="badge">4 题' in book and paper.title in book
    question = db.session.scalar(
        select(Question).where(Question.kind == "tf").order_by(Question.uid)
    )
    assert question is not None
