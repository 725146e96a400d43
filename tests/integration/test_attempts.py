"""Sitting an exam on the server: saves, clock, submission, privacy."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from exam_app.extensions import db
from exam_app.models import Attempt, AttemptItem, Role, ScoreEvent
from exam_app.models.base import utcnow
from exam_app.services import ServiceError
from exam_app.services.attempts import close_overdue, start_attempt, submit
from exam_app.services.autosave import save_answer
from tests.factories import key_response, loop_paper, person


@pytest.fixture
def sitting(app, make_client):
    lead = person("lead", Role.LEAD)
    staff = person("staff", Role.STAFF)
    paper = loop_paper(lead)
    web = make_client()
    web.login("staff")
    web.post(f"/exams/papers/{paper.id}/start")
    attempt = db.session.scalar(select(Attempt).where(Attempt.user_id == staff.id))
    return web, attempt


def _save(web, attempt, position, response, seq):
    return web.post_json(
        f"/exams/attempts/{attempt.id}/answers",
        {"position": position, "response": response, "seq": seq},
    )


def _item(attempt, kind) -> AttemptItem:
    return next(i for i in attempt.items if i.kind == kind)


def test_saved_answers_are_shown_again_when_the_attempt_is_reopened(sitting, make_client):
    web, attempt = sitting
    fill = _item(attempt, "fill")
    essay = _item(attempt, "essay")
    blanks = ["第一空答案"] + ["x"] * (len(fill.snapshot["key"]["blanks"]) - 1)
    assert _save(web, attempt, fill.position, blanks, 5).json["saved"]
    assert _save(web, attempt, essay.position, "断网前写下的答案", 7).json["saved"]
    other_browser = make_client()
    other_browser.login("staff")
    page = other_browser.get(f"/exams/attempts/{attempt.id}").get_data(as_text=True)
    assert "第一空答案" in page and "断网前写下的答案" in page
    # Starting again resumes the same attempt rather than drawing a new one.
    other_browser.post(f"/exams/papers/{attempt.paper_id}/start")
    assert db.session.scalar(select(func.count(Attempt.id))) == 1


def test_a_stale_save_never_overwrites_a_newer_one(sitting):
    web, attempt = sitting
    essay = _item(attempt, "essay")
    assert _save(web, attempt, essay.position, "新的答案", 200).json["saved"] is True
    stale = _save(web, attempt, essay.position, "旧的答案", 100)
    assert stale.status_code == 200 and stale.json["saved"] is False and stale.json["seq"] == 200
    db.session.refresh(essay)
    assert essay.response == "新的答案"


def test_an_answer_after_the_deadline_is_refused_and_the_attempt_is_closed(sitting, app):
    web, attempt = sitting
    single = _item(attempt, "single")
    assert _save(web, attempt, single.position, key_response(single.snapshot), 1).status_code == 200
    attempt.deadline_at = utcnow() - timedelta(seconds=app.config["ANSWER_GRACE_SECONDS"] + 5)
    db.session.commit()
    late = _save(web, attempt, single.position, "A" if single.response != "A" else "B", 2)
    assert late.status_code == 409
    assert "考试时间已到" in late.json["error"]
    db.session.refresh(attempt)
    db.session.refresh(single)
    assert attempt.status != "in_progress" and attempt.auto_submitted
    assert single.response == key_response(single.snapshot)  # the saved answer was kept and graded
    assert single.score == single.points


def test_an_answer_within_the_grace_period_is_accepted(sitting):
    web, attempt = sitting
    attempt.deadline_at = utcnow() - timedelta(seconds=5)
    db.session.commit()
    essay = _item(attempt, "essay")
    assert _save(web, attempt, essay.position, "最后几秒写完", 3).json["saved"] is True


def test_overdue_attempts_are_submitted_by_the_server_with_their_last_answers(sitting, runner):
    web, attempt = sitting
    single = _item(attempt, "single")
    _save(web, attempt, single.position, key_response(single.snapshot), 1)
    attempt.deadline_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    result = runner.invoke(args=["close-overdue"])
    assert "已自动交卷 1 份" in result.output
    db.session.refresh(attempt)
    # Blank essays score 0 at once, so the attempt may already be fully graded.
    assert attempt.status in ("submitted", "released") and attempt.auto_submitted
    assert runner.invoke(args=["close-overdue"]).output.startswith("已自动交卷 0 份")


def test_submitting_twice_submits_and_grades_once(sitting):
    web, attempt = sitting
    for item in attempt.items:
        if item.kind != "essay":
            _save(web, attempt, item.position, key_response(item.snapshot), 1)
    first = web.post(f"/exams/attempts/{attempt.id}/submit")
    second = web.post(f"/exams/attempts/{attempt.id}/submit")
    assert first.status_code == second.status_code == 302
    events = db.session.scalar(
        select(func.count(ScoreEvent.id))
        .join(AttemptItem, ScoreEvent.attempt_item_id == AttemptItem.id)
        .where(AttemptItem.attempt_id == attempt.id)
    )
    # One automatic score per item (objective ones graded, blank essays 0), not two.
    assert events == len(attempt.items)
    assert submit(attempt) is False


def test_answers_after_submission_are_refused(sitting):
    web, attempt = sitting
    web.post(f"/exams/attempts/{attempt.id}/submit")
    r = _save(web, attempt, 1, None, 9)
    assert r.status_code == 409 and "已交卷" in r.json["error"]


@pytest.mark.parametrize(
    "kind, response, message",
    [
        ("single", "Z", "选项无效"),
        ("multi", ["A", "Q"], "选项无效"),
        ("multi", "AB", "格式无效"),
        ("tf", "maybe", "正确"),
        ("fill", ["a", "b", "c", "d", "e", "f", "g"], "个空"),
        ("essay", {"html": 1}, "格式无效"),
    ],
)
def test_a_forged_answer_is_refused_in_chinese_and_changes_nothing(
    sitting, kind, response, message
):
    web, attempt = sitting
    item = _item(attempt, kind)
    r = _save(web, attempt, item.position, response, 4)
    assert r.status_code == 400 and message in r.json["error"]
    assert f"第 {item.position} 题" in r.json["error"]
    db.session.refresh(item)
    assert item.response is None and item.save_seq == 0


def test_a_save_without_csrf_token_is_refused(sitting):
    web, attempt = sitting
    r = web.http.post(
        f"/exams/attempts/{attempt.id}/answers",
        json={"position": 1, "response": None, "seq": 1},
        headers={"Accept": "application/json"},
    )
    assert r.status_code == 400 and "CSRF" in r.json["error"]


def test_one_persons_attempt_is_unreachable_by_another(sitting, make_client):
    _, attempt = sitting
    person("other", Role.STAFF)
    other = make_client()
    other.login("other")
    for url in (f"/exams/attempts/{attempt.id}", f"/exams/attempts/{attempt.id}/result"):
        assert other.get(url).status_code == 404
    assert _save(other, attempt, 1, None, 5).status_code == 404
    assert other.post(f"/exams/attempts/{attempt.id}/submit").status_code == 404


def _secrets_of(attempt) -> list[str]:
    """Key, rubric, reference and explanation text that the candidate must not see,
    leaving out any phrase that also stands in what they are shown (a stem or option)."""
    shown = " ".join(
        " ".join([i.snapshot["stem"], i.snapshot.get("case_scenario") or ""])
        + " ".join(o["text"] for o in i.snapshot["options"])
        for i in attempt.items
    )
    found = []
    for item in attempt.items:
        snap = item.snapshot
        found += [snap["explanation"][:20], snap["reference_answer"][:20], snap["guidance"][:20]]
        for criterion in snap["rubric"]:
            found += criterion["key_points"]
        if item.kind == "fill":
            found += [text for blank in snap["key"]["blanks"] for text, _ in blank]
    return [s for s in found if len(s) >= 4 and s not in shown]


def test_no_key_rubric_or_reference_answer_reaches_the_candidate_before_release(sitting):
    web, attempt = sitting
    secrets = _secrets_of(attempt)
    assert len(secrets) >= 5
    pages = [web.get(f"/exams/attempts/{attempt.id}"), web.get("/exams/"), web.get("/records/")]
    for item in attempt.items:
        pages.append(_save(web, attempt, item.position, None, 1))
    # One written essay keeps the attempt waiting for a reviewer, so it is not released.
    pages.append(_save(web, attempt, _item(attempt, "essay").position, "我的作答", 2))
    web.post(f"/exams/attempts/{attempt.id}/submit")
    result = web.get(f"/exams/attempts/{attempt.id}/result")
    assert "待阅卷" in result.get_data(as_text=True)
    pages.append(result)
    for response in pages:
        body = response.get_data(as_text=True)
        for secret in secrets:
            assert secret not in body, secret
        assert '"key"' not in body and "rubric" not in body


def test_a_started_attempt_keeps_its_items_when_the_bank_changes(sitting):
    _, attempt = sitting
    item = _item(attempt, "single")
    before = json.dumps(item.snapshot, sort_keys=True)
    item_question = item.question_id
    from exam_app.models import Question

    question = db.session.get(Question, item_question)
    question.stem = "题库中修改后的题干"
    question.key = {"answer": "D"}
    db.session.commit()
    db.session.expire_all()
    assert json.dumps(db.session.get(AttemptItem, item.id).snapshot, sort_keys=True) == before


def test_the_window_is_enforced_when_starting(app):
    lead = person("lead", Role.LEAD)
    staff = person("late", Role.STAFF)
    paper = loop_paper(lead)
    with pytest.raises(ServiceError, match="考试已经结束"):
        start_attempt(paper, staff, now=paper.closes_at + timedelta(minutes=1))
    with pytest.raises(ServiceError, match="考试尚未开始"):
        start_attempt(paper, staff, now=paper.opens_at - timedelta(minutes=1))


def test_the_deadline_is_the_time_limit_or_the_window_end_whichever_is_first(app):
    lead = person("lead", Role.LEAD)
    staff = person("s", Role.STAFF)
    paper = loop_paper(lead, minutes=60, window=timedelta(minutes=30))
    now = utcnow()
    attempt = start_attempt(paper, staff, now=now)
    assert attempt.deadline_at == paper.closes_at
    with pytest.raises(ServiceError):
        save_answer(attempt, 1, None, 1, now=paper.closes_at + timedelta(minutes=5))
    assert close_overdue(now=paper.closes_at + timedelta(minutes=5)) == 0  # closed above


def test_a_save_overtaken_by_a_submission_is_refused_not_lost(sitting, make_client, monkeypatch):
    """The save reads, then writes in a transaction of its own: a submission from another
    tab landing in between must make the save fail loudly, not vanish after grading."""
    from exam_app.services import autosave  # where the save checks the answer

    web, attempt = sitting
    single = _item(attempt, "single")
    other_tab = make_client()
    other_tab.login("staff")
    real_check = autosave.check_response

    def submitted_meanwhile(*args, **kw):
        other_tab.post(f"/exams/attempts/{attempt.id}/submit")
        return real_check(*args, **kw)

    monkeypatch.setattr(autosave, "check_response", submitted_meanwhile)
    late = _save(web, attempt, single.position, key_response(single.snapshot), 3)
    assert late.status_code == 409 and late.json["status"] in ("graded", "released", "submitted")
    assert "已交卷" in late.json["error"]
    db.session.refresh(single)
    assert single.response is None and single.save_seq == 0  # nothing half-stored
    events = db.session.scalar(
        select(func.count(ScoreEvent.id)).where(ScoreEvent.attempt_item_id == single.id)
    )
    assert events == 1 and single.score == 0  # graded once, on what was saved before
