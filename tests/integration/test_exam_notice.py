"""考试须知: what a staff member reads before the clock starts, and that reading it starts
nothing, draws nothing and shows no key; a running attempt goes straight back to its page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from exam_app.extensions import db
from exam_app.models import Attempt, PaperAudience, Question, Role
from exam_app.models.base import utcnow
from exam_app.services import papers as paper_service
from tests.factories import ESSAY_TOPIC, first_of_kind, person


@pytest.fixture
def lead(app):
    return person("lead", Role.LEAD)


def _paper(lead, **settings):
    """An objective section, a draw of 2 and 「6 题任选 3 题」."""
    now = utcnow()
    paper = paper_service.create_paper(
        created_by=lead, title="第四季度业务考试", quarter="2026Q4",
        opens_at=now - timedelta(minutes=5), closes_at=now + timedelta(days=1),
        time_limit_minutes=45, pass_mark="6", **settings,
    )  # fmt: skip
    objective = [first_of_kind(k).uid for k in ("single", "tf")]
    paper_service.add_fixed_section(paper, title="一、客观题", question_uids=objective, points="2")
    paper_service.add_draw_section(paper, title="二、随机抽题", topic=ESSAY_TOPIC, count=2,
                                   points_each="5", kind="essay")  # fmt: skip
    essays = db.session.scalars(
        select(Question.uid).where(Question.kind == "essay", Question.topic == ESSAY_TOPIC)
        .order_by(Question.uid).limit(6)
    ).all()  # fmt: skip
    paper_service.add_choice_section(paper, title="三、简答（任选）", question_uids=list(essays),
                                     choose_count=3, points_each="5")  # fmt: skip
    paper_service.publish(paper)
    return paper


def _attempts(paper) -> int:
    return db.session.scalar(select(func.count(Attempt.id)).where(Attempt.paper_id == paper.id,
                                                                 Attempt.user_id.is_not(None)))  # fmt: skip


def test_my_exams_leads_to_the_notice_which_tells_the_rules_and_starts_nothing(lead, client):
    paper = _paper(lead, tab_switch_limit=3)
    person("s", Role.STAFF)
    client.login("s")
    index = client.get("/exams/").get_data(as_text=True)
    assert f'href="/exams/papers/{paper.id}/notice"' in index and "开始考试" in index

    page = client.get(f"/exams/papers/{paper.id}/notice")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    text = re.sub(r"<[^>]+>", "", html)
    assert "第四季度业务考试" in text and "45 分钟" in text
    assert "共 3 大题、10 题，需作答 7 题" in text
    assert "6 题任选 3 题作答，每题 5 分，共 15 分" in text
    assert "2 题，每题 5 分，共 10 分" in text
    assert "超过 3 次将自动交卷" in text
    assert "自动保存" in text
    # 开始作答 posts to the start route with the CSRF token, as 「我的考试」 did.
    form = re.search(r'<form method="post" action="([^"]+)"[^>]*>\s*<input type="hidden" '
                     r'name="csrf_token" value="[^"]+">', html)  # fmt: skip
    assert form and form.group(1) == f"/exams/papers/{paper.id}/start"
    assert "开始作答" in text
    assert _attempts(paper) == 0  # reading the notice starts no clock


def test_the_notice_shows_no_key_and_no_drawn_item(lead, client):
    paper = _paper(lead)
    person("s", Role.STAFF)
    client.login("s")
    html = client.get(f"/exams/papers/{paper.id}/notice").get_data(as_text=True)
    for section in paper.sections:
        for item in section.items:
            q = item.question
            assert q.uid not in html
            assert q.stem[:20] not in html
            for option in q.options or []:
                assert option["text"] not in html
    assert "fieldset" not in html and "data-position" not in html
    assert _attempts(paper) == 0  # nothing drawn for anyone by reading it


def test_starting_from_the_notice_then_coming_back_resumes_the_attempt(lead, client):
    paper = _paper(lead)
    person("s", Role.STAFF)
    client.login("s")
    client.get(f"/exams/papers/{paper.id}/notice")
    started = client.post(f"/exams/papers/{paper.id}/start")
    assert started.status_code == 302 and "/exams/attempts/" in started.headers["Location"]
    attempt = db.session.scalar(select(Attempt).where(Attempt.paper_id == paper.id))
    # 继续作答 and the notice's own address both go straight to the questions.
    index = client.get("/exams/").get_data(as_text=True)
    assert "继续作答" in index and f"/papers/{paper.id}/notice" not in index
    again = client.get(f"/exams/papers/{paper.id}/notice")
    assert again.status_code == 302
    assert again.headers["Location"].endswith(f"/exams/attempts/{attempt.id}")
    assert _attempts(paper) == 1


def test_only_staff_who_must_sit_it_see_the_notice(lead, client, make_client):
    paper = _paper(lead)
    person("hr", Role.HR)
    client.login("hr")
    assert client.get(f"/exams/papers/{paper.id}/notice").status_code == 403
    client.login("lead")
    assert client.get(f"/exams/papers/{paper.id}/notice").status_code == 403
    # A paper for someone else, or a draft: not there, as a paper that does not exist.
    other = _paper(lead)
    db.session.add(PaperAudience(paper_id=other.id, user_id=lead.id))
    draft = paper_service.create_paper(
        created_by=lead, title="草稿卷", quarter="2026Q4", opens_at=utcnow(),
        closes_at=utcnow() + timedelta(days=1), time_limit_minutes=10, pass_mark="1",
    )  # fmt: skip
    db.session.commit()
    person("s", Role.STAFF)
    web = make_client()
    web.login("s")
    assert web.get(f"/exams/papers/{paper.id}/notice").status_code == 200
    assert web.get(f"/exams/papers/{other.id}/notice").status_code == 404
    assert web.get(f"/exams/papers/{draft.id}/notice").status_code == 404
    assert web.get("/exams/papers/999999/notice").status_code == 404


def test_a_closed_window_sends_back_to_my_exams(lead, client):
    paper = _paper(lead)
    paper.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    person("s", Role.STAFF)
    client.login("s")
    page = client.get(f"/exams/papers/{paper.id}/notice")
    assert page.status_code == 302 and page.headers["Location"].endswith("/exams/")


def _coming(lead, minutes: int = 10):
    """A published paper whose window opens in `minutes`."""
    paper = _paper(lead)
    paper.opens_at = utcnow() + timedelta(minutes=minutes)
    db.session.commit()
    return paper


def test_before_the_window_my_exams_leads_to_the_waiting_room(lead, client):
    paper = _coming(lead)
    person("s", Role.STAFF)
    client.login("s")
    index = client.get("/exams/").get_data(as_text=True)
    assert "待开考" in index and "考试须知（候考）" in index and "开始考试" not in index
    assert f'href="/exams/papers/{paper.id}/notice"' in index

    html = client.get(f"/exams/papers/{paper.id}/notice").get_data(as_text=True)
    opens_in = int(re.search(r'data-opens-in="(\d+)"', html).group(1))
    assert 590 <= opens_in <= 600  # the server's seconds, rounded up
    text = re.sub(r"<[^>]+>", "", html)
    assert "距开考还有" in text and f"{opens_in // 60:02d}:{opens_in % 60:02d}。" in text
    assert "notice.js" in html
    assert "6 题任选 3 题作答" in text  # the rules are there to read while waiting
    clock = client.get(f"/exams/papers/{paper.id}/opens-in").get_json()
    assert clock["ok"] and clock["open"] is False and 0 < clock["opens_in"] <= opens_in
    assert _attempts(paper) == 0


def test_pressing_start_before_the_opening_goes_back_to_the_waiting_room(lead, client):
    paper = _coming(lead, minutes=1)
    person("s", Role.STAFF)
    client.login("s")
    early = client.post(f"/exams/papers/{paper.id}/start")
    assert early.status_code == 302
    assert early.headers["Location"].endswith(f"/exams/papers/{paper.id}/notice")
    text = re.sub(r"<[^>]+>", "", client.get(early.headers["Location"]).get_data(as_text=True))
    assert "考试尚未开始" in text and "开考后再点「开始作答」" in text
    assert _attempts(paper) == 0  # and no prepared attempt was handed out early

    paper.opens_at = utcnow() - timedelta(seconds=1)  # the window opens
    db.session.commit()
    html = client.get(f"/exams/papers/{paper.id}/notice").get_data(as_text=True)
    assert "data-opens-in" not in html and "notice.js" not in html
    assert client.get(f"/exams/papers/{paper.id}/opens-in").get_json() == {
        "ok": True, "opens_in": 0, "open": True}  # fmt: skip
    started = client.post(f"/exams/papers/{paper.id}/start")
    assert "/exams/attempts/" in started.headers["Location"] and _attempts(paper) == 1


def test_the_waiting_rooms_clock_is_only_for_those_who_sit_it(lead, client, make_client):
    paper = _coming(lead)
    other = _coming(lead)
    db.session.add(PaperAudience(paper_id=other.id, user_id=lead.id))
    db.session.commit()
    person("hr", Role.HR)
    client.login("hr")
    assert client.get(f"/exams/papers/{paper.id}/opens-in").status_code == 403
    person("s", Role.STAFF)
    web = make_client()
    web.login("s")
    assert web.get(f"/exams/papers/{other.id}/opens-in").status_code == 404
    assert web.get("/exams/papers/999999/opens-in").status_code == 404
    index = web.get("/exams/").get_data(as_text=True)
    assert f"/exams/papers/{paper.id}/notice" in index  # theirs, still to open
    assert f"/exams/papers/{other.id}/notice" not in index  # someone else's: not shown
