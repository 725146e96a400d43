"""Taking an exam and marking it in a real browser: autosave, a cut network, reload,
the clock running out, a double-clicked submit, the rubric form."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from exam_app.extensions import db
from exam_app.models import Attempt, AttemptItem, MarkingTask, Role, ScoreEvent
from exam_app.models.base import utcnow
from tests.factories import key_response, loop_paper, person
from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser


def _login(page, username):
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


def _answer(page, item, response):
    q = page.locator(f"#q{item.position}")
    if item.kind in ("single", "multi"):
        for label in response if isinstance(response, list) else [response]:
            q.locator(f"input[value='{label}']").check()
    elif item.kind == "tf":
        q.locator(f"input[value='{'true' if response else 'false'}']").check()
    elif item.kind == "fill":
        for n, text in enumerate(response):
            q.locator(f"input[name='q{item.position}-{n}']").fill(text)
    else:
        q.locator("textarea").fill(response)


def _db_attempt(user_id) -> Attempt:
    db.session.commit()  # end the read snapshot: the live server wrote meanwhile
    return db.session.scalar(select(Attempt).where(Attempt.user_id == user_id))


def _start(page, live):
    lead = person("lead", Role.LEAD)
    staff = person("staff", Role.STAFF)
    paper = loop_paper(lead)
    _login(page, "staff")
    page.get_by_role("link", name="开始考试").click()
    page.get_by_role("button", name="开始作答").click()  # on the 考试须知
    page.wait_for_selector("#attempt")
    return staff, paper, _db_attempt(staff.id)


def test_answers_survive_a_cut_network_and_a_reload_then_submit_once(page, live):
    staff, _paper, attempt = _start(page, live)
    items = attempt.items
    objective = [i for i in items if i.kind != "essay"]
    essays = [i for i in items if i.kind == "essay"]

    _answer(page, objective[0], key_response(objective[0].snapshot))
    page.wait_for_function("document.getElementById('net').textContent === '所有答案已保存'")
    expect_saved = page.locator(f"#q{objective[0].position} .save-state")
    assert expect_saved.text_content() == "已保存"

    # Cut the network: saves are aborted, answers stay in the browser, the page says so.
    page.route("**/answers", lambda route: route.abort())
    for item in objective[1:]:
        _answer(page, item, key_response(item.snapshot))
    _answer(page, essays[0], "断网期间写下的答案")
    page.wait_for_function("document.getElementById('net').textContent.includes('网络已断开')")
    db.session.commit()  # end the read snapshot: the live server wrote meanwhile
    assert db.session.get(AttemptItem, essays[0].id).response is None

    # Network back: everything reaches the server without touching the page.
    page.unroute("**/answers")
    page.wait_for_function(
        "document.getElementById('net').textContent === '所有答案已保存'", timeout=20_000
    )
    db.session.commit()  # end the read snapshot: the live server wrote meanwhile
    for item in objective:
        assert db.session.get(AttemptItem, item.id).response == key_response(item.snapshot)
    assert db.session.get(AttemptItem, essays[0].id).response == "断网期间写下的答案"

    # Reload: every saved answer is on the page again.
    page.reload()
    assert page.locator(f"#q{essays[0].position} textarea").input_value() == "断网期间写下的答案"
    assert page.locator("#answered").text_content() == str(len(objective) + 1)

    # Submit: the confirmation names the unanswered item; a double click submits once.
    page.locator("#submit-button").click()
    assert f"第 {essays[1].position} 题" in page.locator("#submit-missing").text_content()
    page.locator("#submit-confirm").dblclick()
    page.wait_for_url("**/result")
    attempt = _db_attempt(staff.id)
    assert attempt.status == "submitted"
    events = db.session.scalar(
        select(func.count(ScoreEvent.id))
        .join(AttemptItem)
        .where(AttemptItem.attempt_id == attempt.id)
    )
    assert events == len(objective) + 1  # the blank essay scored 0 once; the other awaits review


def test_when_the_clock_runs_out_the_attempt_is_submitted_with_its_answers(page, live):
    staff, _paper, attempt = _start(page, live)
    attempt.deadline_at = utcnow() + timedelta(seconds=4)
    db.session.commit()
    page.reload()
    essay = next(i for i in attempt.items if i.kind == "essay")
    _answer(page, essay, "时间到之前的答案")
    page.wait_for_url("**/result", timeout=20_000)
    assert "待阅卷" in page.content()
    attempt = _db_attempt(staff.id)
    assert attempt.status == "submitted"
    assert db.session.get(AttemptItem, essay.id).response == "时间到之前的答案"


def test_a_reviewer_marks_a_case_answer_through_the_rubric_form(page, live, chromium):
    staff, _paper, attempt = _start(page, live)
    case_item = next(i for i in attempt.items if i.snapshot.get("case_title"))
    _answer(page, case_item, "应先核实情况，依据物业服务合同向业主解释。")
    page.wait_for_function("document.getElementById('net').textContent === '所有答案已保存'")
    page.locator("#submit-button").click()
    page.locator("#submit-confirm").click()
    page.wait_for_url("**/result")

    db.session.commit()  # a new transaction: the live server wrote since this one read
    marker = person("marker", Role.REVIEWER)
    reviewer = chromium.new_context(base_url=live.base_url, bypass_csp=True).new_page()
    _login(reviewer, "marker")
    reviewer.goto("/review/")
    row = reviewer.locator("tr", has_text=f"第 {case_item.position} 题")
    assert attempt.candidate_code in row.text_content()
    row.get_by_role("button", name="领取评阅").click()  # the claim keeps other reviewers off
    reviewer.wait_for_url(f"**/review/items/{case_item.id}")
    assert "您已领取这道题" in reviewer.locator("#claim-state").text_content()
    rubric = case_item.snapshot["rubric"]
    for criterion in rubric:
        reviewer.get_by_label(f"{criterion['title']}得分").fill(criterion["points"])
    reviewer.fill("textarea[name=comment]", "思路清晰。")
    reviewer.get_by_role("button", name="提交评分").click()
    reviewer.wait_for_url("**/review/")
    assert "已评分" in reviewer.content()
    db.session.commit()  # end the read snapshot: the live server wrote meanwhile
    item = db.session.get(AttemptItem, case_item.id)
    assert item.score == case_item.points and not item.needs_review
    task = db.session.scalar(select(MarkingTask).where(MarkingTask.attempt_item_id == item.id))
    assert (task.status, task.holder_id) == ("done", marker.id)
    reviewer.context.close()


def test_the_attempt_page_works_under_the_content_security_policy(chromium, live):
    """The other browser tests bypass the CSP (Playwright's waits evaluate strings);
    this one keeps it and finds autosave working with no policy violation."""
    lead = person("lead", Role.LEAD)
    person("staff", Role.STAFF)
    loop_paper(lead)
    context = chromium.new_context(base_url=live.base_url)
    page = context.new_page()
    violations = []
    page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))
    _login(page, "staff")
    page.get_by_role("link", name="开始考试").click()
    page.get_by_role("button", name="开始作答").click()  # on the 考试须知
    page.wait_for_selector("#attempt")
    page.locator("fieldset.question textarea").first.fill("在内容安全策略下作答")
    page.wait_for_selector("fieldset.question .save-state.saved", timeout=15_000)
    assert violations == []
    context.close()
