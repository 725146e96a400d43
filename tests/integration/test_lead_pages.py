"""What leads see while building and watching a paper (#13): the monitor that refreshes
itself, picking fixed items from the bank, and publishing only after confirming."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from exam_app.extensions import db
from exam_app.models import Paper, Question, Role
from exam_app.models.base import utcnow
from exam_app.services import papers as paper_service
from exam_app.services.attempt_events import record_left_page
from exam_app.services.attempts import start_attempt, submit
from exam_app.services.autosave import save_answer
from tests.factories import key_response, loop_paper, person


@pytest.fixture
def lead(app):
    return person("lead", Role.LEAD)


def _lead_web(make_client, username="lead"):
    web = make_client()
    web.login(username)
    return web


# --- 考试监控 --------------------------------------------------------------------------


def test_the_monitor_feed_says_who_started_answered_switched_tabs_and_submitted(lead, make_client):
    paper = loop_paper(lead)
    answering, done, waiting = (person(n, Role.STAFF) for n in ("s1", "s2", "s3"))
    attempt = start_attempt(paper, answering)
    objective = [i for i in attempt.items if i.kind != "essay"]
    for item in objective[:3]:
        save_answer(attempt, item.position, key_response(item.snapshot), item.position)
    record_left_page(attempt)
    record_left_page(attempt)
    finished = start_attempt(paper, done)
    submit(finished, utcnow())

    response = _lead_web(make_client).get(f"/papers/{paper.id}/monitor.json")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    feed = response.json
    assert feed["live"] is True
    assert feed["summary"] == {"未开始": 1, "作答中": 1, "已交卷": 1}
    rows = {r["name"]: r for r in feed["rows"]}
    mid = rows[answering.name]
    assert mid["state"] == "in_progress" and mid["answered"] == 3
    assert mid["item_count"] == len(attempt.items) and mid["tab_switches"] == 2
    assert 59 * 60 < mid["seconds_left"] <= 60 * 60 and mid["started"] != "—"
    assert rows[done.name]["state"] == "submitted" and rows[done.name]["seconds_left"] is None
    assert rows[waiting.name]["status_label"] == "未开始" and rows[waiting.name]["answered"] == 0


def test_the_monitor_page_polls_its_feed_and_shows_the_same_rows(lead, make_client):
    paper = loop_paper(lead)
    person("s1", Role.STAFF)
    body = _lead_web(make_client).get(f"/papers/{paper.id}/monitor").get_data(as_text=True)
    assert f'data-source="/papers/{paper.id}/monitor.json"' in body
    assert 'data-live="1"' in body and "monitor.js" in body
    assert "每 10 秒自动更新" in body and "测试s1" in body


def test_a_closed_sitting_is_not_polled(lead, make_client):
    paper = loop_paper(lead)
    paper.opens_at, paper.closes_at = utcnow() - timedelta(days=3), utcnow() - timedelta(days=2)
    db.session.commit()
    body = _lead_web(make_client).get(f"/papers/{paper.id}/monitor").get_data(as_text=True)
    assert 'data-live="0"' in body and "自动更新" not in body


@pytest.mark.parametrize("role", [Role.STAFF, Role.REVIEWER, Role.HR])
def test_only_leads_read_the_monitor_feed(lead, make_client, role):
    paper = loop_paper(lead)
    person("other", role)
    web = _lead_web(make_client, "other")
    assert web.get(f"/papers/{paper.id}/monitor.json").status_code == 403
    assert web.get(f"/papers/{paper.id}/monitor").status_code == 403


def test_the_monitor_feed_needs_a_sign_in(lead, make_client):
    paper = loop_paper(lead)
    response = make_client().get(f"/papers/{paper.id}/monitor.json")
    assert response.status_code in (302, 401)


def test_prepared_draws_that_belong_to_nobody_yet_are_not_rows(lead, make_client):
    # Publishing draws each sitter's items ahead (prepared attempts without a person).
    staff = person("s1", Role.STAFF)
    paper = loop_paper(lead)
    web = _lead_web(make_client)
    web.post(f"/papers/{paper.id}/publish")  # already published: nothing changes
    feed = web.get(f"/papers/{paper.id}/monitor.json").json
    assert [r["user_id"] for r in feed["rows"]] == [staff.id]
    assert db.session.get(Paper, paper.id).status == "published"


def _draft(lead) -> Paper:
    now = utcnow()
    return paper_service.create_paper(
        created_by=lead, title="组卷测试", quarter="2026Q4", opens_at=now,
        closes_at=now + timedelta(days=1), time_limit_minutes=30, pass_mark="1",
    )  # fmt: skip


def _reviewed(kind: str, n: int) -> list[Question]:
    return list(
        db.session.scalars(
            select(Question)
            .where(Question.kind == kind, Question.status == "reviewed", Question.case_id.is_(None))
            .order_by(Question.uid)
            .limit(n)
        )
    )


# --- Picking fixed items from the bank --------------------------------------------------


def test_the_picker_finds_reviewed_items_by_text_topic_kind_difficulty_and_tag(lead, make_client):
    paper = _draft(lead)
    target = next(q for q in _reviewed("single", 400) if q.tags)
    web = _lead_web(make_client)
    words = target.stem[:6]
    args = {"q": words, "topic": target.topic, "kind": "single",
            "difficulty": target.difficulty, "tag": target.tags[0]}  # fmt: skip
    body = web.get(f"/papers/{paper.id}/picker", query_string=args).get_data(as_text=True)
    assert f'value="{target.uid}"' in body and 'form="fixed-form"' in body
    for key, wrong in [("kind", "tf"), ("difficulty", 6 - target.difficulty if
                       target.difficulty != 3 else 1), ("tag", "没有这个标签")]:  # fmt: skip
        other = web.get(f"/papers/{paper.id}/picker", query_string={**args, key: wrong})
        assert f'value="{target.uid}"' not in other.get_data(as_text=True), key
    target.status = "draft"
    db.session.commit()
    body = web.get(f"/papers/{paper.id}/picker", query_string={"q": words}).get_data(as_text=True)
    assert f'value="{target.uid}"' not in body  # drafts cannot go on a paper


def test_without_script_the_filter_shows_results_on_the_builder_itself(lead, make_client):
    paper = _draft(lead)
    q = _reviewed("tf", 1)[0]
    body = (
        _lead_web(make_client).get(f"/papers/{paper.id}?kind=tf&q={q.uid}").get_data(as_text=True)
    )
    assert f'value="{q.uid}"' in body and "找到 1 道已审核的题" in body


def test_typed_ids_come_first_then_ticked_items_in_the_order_ticked(lead, make_client):
    paper = _draft(lead)
    a, b, c = _reviewed("single", 3)
    web = _lead_web(make_client)
    response = web.post(
        f"/papers/{paper.id}/sections/fixed",
        {
            "fixed-title": "一、单选",
            "fixed-question_uids": f"{b.uid}",
            "pick": [c.uid, a.uid, b.uid],
        },  # fmt: skip
    )
    assert response.status_code == 302
    db.session.refresh(paper)
    assert [i.question.uid for i in paper.sections[0].items] == [b.uid, c.uid, a.uid]


def test_a_fixed_section_with_nothing_typed_or_ticked_is_refused_in_chinese(lead, make_client):
    paper = _draft(lead)
    web = _lead_web(make_client)
    response = web.post(f"/papers/{paper.id}/sections/fixed", {"fixed-title": "一、单选"})
    assert response.status_code == 302
    body = web.get(f"/papers/{paper.id}").get_data(as_text=True)
    assert "至少要选一道题" in body
    db.session.refresh(paper)
    assert paper.sections == []


@pytest.mark.parametrize("role", [Role.STAFF, Role.REVIEWER])
def test_only_leads_search_the_bank_for_a_paper(lead, make_client, role):
    paper = _draft(lead)
    person("other", role)
    web = _lead_web(make_client, "other")
    assert web.get(f"/papers/{paper.id}/picker?q=电").status_code == 403


# --- Publishing -------------------------------------------------------------------------


def test_the_builder_says_what_publishing_freezes_before_it_is_sent(lead, make_client):
    paper = _draft(lead)
    paper_service.add_fixed_section(paper, title="一", question_uids=[_reviewed("tf", 1)[0].uid])
    body = _lead_web(make_client).get(f"/papers/{paper.id}").get_data(as_text=True)
    assert '<dialog id="publish-dialog"' in body and 'data-confirm="publish-dialog"' in body
    assert "固定题 1 道" in body and "「修订」" in body and "预先抽好" in body


def test_publishing_without_the_csrf_token_is_refused_and_the_paper_stays_a_draft(
    lead, make_client
):
    paper = _draft(lead)
    paper_service.add_fixed_section(paper, title="一", question_uids=[_reviewed("tf", 1)[0].uid])
    web = _lead_web(make_client)
    response = web.http.post(f"/papers/{paper.id}/publish", data={})
    assert response.status_code == 400
    db.session.refresh(paper)
    assert paper.status == "draft"
    web.post(f"/papers/{paper.id}/publish")
    db.session.refresh(paper)
    assert paper.status == "published"
