"""A staff member sits a paper with a 任选 section in a real browser (#13), at a desktop's and
a phone's width: the 考试须知 before the clock, the 答题卡 in view, a jump that shows the
question and its 标记 button, time warnings, and a submit dialog that counts only what is
really missing."""

from __future__ import annotations

import os
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from exam_app.extensions import db
from exam_app.models import Attempt, Question, Role
from exam_app.models.base import utcnow
from exam_app.services import papers as paper_service
from exam_app.services.preparing import prepare_due
from tests.browser.conftest import fits_the_screen, sign_in
from tests.factories import ESSAY_TOPIC, person

pytestmark = pytest.mark.browser
WIDTHS = {"desktop": 1366, "phone": 390}


def sitting_paper(lead, *, singles: int = 4, minutes: int = 20, title: str = "第四季度业务考试"):
    """`singles` single-choice items (2 points each), then 「12 题任选 5 题」 (5 points each)."""
    now = utcnow()
    paper = paper_service.create_paper(
        created_by=lead, title=title, quarter="2026Q4", opens_at=now - timedelta(minutes=5),
        closes_at=now + timedelta(days=1), time_limit_minutes=minutes, pass_mark="10",
        tab_switch_limit=5,
    )  # fmt: skip

    def uids(kind, topic=None, limit=0):
        query = select(Question.uid).where(Question.kind == kind, Question.case_id.is_(None),
                                           Question.exclusion_group.is_(None))  # fmt: skip
        if topic:
            query = query.where(Question.topic == topic)
        return list(db.session.scalars(query.order_by(Question.uid).limit(limit)))

    paper_service.add_fixed_section(paper, title="一、单项选择题", question_uids=uids("single", limit=singles),
                                    points="2")  # fmt: skip
    paper_service.add_choice_section(paper, title="二、简答题（12 题任选 5 题）",
                                     question_uids=uids("essay", ESSAY_TOPIC, 12), choose_count=5,
                                     points_each="5")  # fmt: skip
    paper_service.publish(paper)
    return paper


@pytest.fixture(params=list(WIDTHS))
def sized(request, chromium, live):
    context = chromium.new_context(
        base_url=live.base_url, locale="zh-CN", bypass_csp=True,
        viewport={"width": WIDTHS[request.param], "height": 860},
    )  # fmt: skip
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def _uncovered(page, selector: str) -> bool:
    """The element is on screen and nothing (the sticky bar, the bottom bar) lies over it."""
    return page.evaluate(
        """(sel) => { const el = document.querySelector(sel); const r = el.getBoundingClientRect();
           if (r.top < 0 || r.bottom > window.innerHeight) return false;
           const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
           return hit === el || el.contains(hit); }""",
        selector,
    )


def _time_passes(page, attempt_id: int, seconds: int):
    """The server's clock and the page's move on together: the deadline comes nearer by as
    much as the page's clock jumps."""
    db.session.commit()  # end the read snapshot: the live server wrote meanwhile
    attempt = db.session.get(Attempt, attempt_id)
    attempt.deadline_at -= timedelta(seconds=seconds)
    db.session.commit()
    page.clock.fast_forward(seconds * 1000)


def _open_card(page, phone: bool):
    if phone:
        page.locator("#card-toggle").click()
    expect(page.locator("#answer-card")).to_be_visible()


def test_staff_reads_the_notice_sits_with_the_answer_card_and_submits_a_choice_section(sized):
    page, phone = sized, sized.viewport_size["width"] < 1000
    lead = person("lead", Role.LEAD)
    staff = person("xiaowang", Role.STAFF)
    sitting_paper(lead)
    prepare_due()  # as cron does before the window: the start is then the rush's one UPDATE
    page.clock.install()
    sign_in(page, "xiaowang")
    page.get_by_role("link", name="开始考试").click()

    # 考试须知: the rules before the clock; nothing has started yet.
    expect(page.get_by_role("heading", name="考试须知")).to_be_visible()
    notice = page.locator("main").inner_text()
    assert "20 分钟" in notice and "12 题任选 5 题作答" in notice and "自动保存" in notice
    assert "超过 5 次将自动交卷" in notice and fits_the_screen(page)
    db.session.commit()
    assert db.session.scalar(select(Attempt.id).where(Attempt.user_id == staff.id)) is None
    page.get_by_role("button", name="开始作答").click()
    page.wait_for_selector("#attempt")
    db.session.commit()
    attempt_id = db.session.scalar(select(Attempt.id).where(Attempt.user_id == staff.id))
    # The page came with the start's answer; the address bar shows the attempt's own address,
    # so a reload reads the page rather than posting the start again.
    assert page.url.endswith(f"/exams/attempts/{attempt_id}"), page.url
    assert db.session.get(Attempt, attempt_id).prepared_from is not None  # the rush's way
    page.reload()  # reads the page: the same attempt, nothing posted again
    page.wait_for_selector("#attempt")
    if shots := os.environ.get("EXAM_SCREENSHOTS"):
        page.screenshot(path=f"{shots}/started-{page.viewport_size['width']}.png")
    assert page.url.endswith(f"/exams/attempts/{attempt_id}")
    db.session.commit()
    assert db.session.scalars(select(Attempt.id).where(Attempt.user_id == staff.id)).all() == [
        attempt_id
    ]

    # The 答题卡: beside the questions on a desktop, behind the bottom bar on a phone.
    card = page.locator("#answer-card")
    if phone:
        expect(card).to_be_hidden()
        expect(page.locator("#card-toggle")).to_contain_text("已答 0/16")
    else:
        expect(card).to_be_visible()
    _open_card(page, phone)
    expect(card.locator(".nav-section")).to_have_count(2)
    page.locator('[data-nav="14"]').click()
    if phone:
        expect(card).to_be_hidden()  # the drawer makes way for the question
    # The question jumped to shows with its number and its 标记 button, under the sticky bar.
    page.wait_for_function("location.hash === '#q14'")
    page.wait_for_timeout(300)
    assert _uncovered(page, "#q14 legend strong") and _uncovered(page, "#q14 button.flag")
    page.locator("#q14 button.flag").click()
    expect(page.locator('[data-nav="14"]')).to_have_attribute(
        "aria-label", "第 14 题，未答，已标记"
    )
    assert fits_the_screen(page)

    # Every single choice answered, and exactly five of the twelve in the 任选 section.
    for position in range(1, 5):
        page.locator(f"#q{position} input[type=radio]").first.check()
    for position in (5, 6, 8, 11, 14):
        page.locator(f"#q{position} textarea").fill(f"第 {position} 题的作答")
    expect(page.locator("#net")).to_have_text("所有答案已保存", timeout=20_000)
    expect(page.locator(".choice-note .choice-count")).to_have_text("5")
    _open_card(page, phone)
    expect(card.locator(".nav-section").nth(1).locator(".nav-choice")).to_have_text(
        "任选 5 题，已答 5"
    )
    expect(card.locator("a.answered")).to_have_count(9)
    if phone:
        page.locator("#card-close").click()

    # Time warnings: a banner, not only a number, and the timer's colour.
    alert = page.get_by_role("alert")
    expect(alert).to_be_hidden()
    _time_passes(page, attempt_id, 6 * 60)
    expect(alert).to_contain_text("还有不到 15 分钟")
    expect(page.locator(".clock")).to_have_class(re.compile(r"\blow\b"))
    _time_passes(page, attempt_id, 10 * 60)
    expect(alert).to_contain_text("还有不到 5 分钟")
    expect(page.locator(".clock")).to_have_class(re.compile(r"\bcritical\b"))
    _time_passes(page, attempt_id, 3 * 60 + 10)
    expect(alert).to_contain_text("还有不到 1 分钟")
    assert _uncovered(page, "#time-alert")

    # The submit dialog: nothing missing (five of twelve is complete), the flag listed.
    page.locator("#submit-button").click()
    dialog = page.locator("#submit-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("#submit-summary")).to_have_text("需作答的 9 题都已作答，没有遗漏。")
    expect(dialog.locator("#submit-flagged")).to_contain_text("第 14 题")
    dialog.get_by_role("button", name="返回检查").click()
    expect(dialog).to_be_hidden()
    page.locator("#submit-button").click()
    dialog.get_by_role("button", name="确认交卷").click()
    page.wait_for_url("**/result")
    db.session.commit()
    assert db.session.get(Attempt, attempt_id).status != "in_progress"


def test_the_dialog_names_what_is_missing(sized):
    page = sized
    lead = person("lead", Role.LEAD)
    person("xiaoli", Role.STAFF)
    sitting_paper(lead)
    sign_in(page, "xiaoli")
    page.get_by_role("link", name="开始考试").click()
    page.get_by_role("button", name="开始作答").click()
    page.wait_for_selector("#attempt")
    page.locator("#q2 input[type=radio]").first.check()
    page.locator("#q7 textarea").fill("只答了一题")
    expect(page.locator("#net")).to_have_text("所有答案已保存", timeout=20_000)
    page.locator("#submit-button").click()
    dialog = page.locator("#submit-dialog")
    expect(dialog.locator("#submit-summary")).to_have_text(
        "需作答 9 题，已答 2 题，还有 7 题未作答。"
    )
    missing = dialog.locator("#submit-missing").inner_text()
    assert "3 题未作答：第 1、3、4 题" in missing
    assert "任选 5 题，已答 1 题，还需作答 4 题" in missing
    expect(dialog.locator("#submit-flagged")).to_have_text("没有标记的题。")
    dialog.locator('a[data-jump="3"]').click()  # back to the first gap
    expect(dialog).to_be_hidden()
    page.wait_for_function("location.hash === '#q3'")
    page.wait_for_timeout(300)
    assert _uncovered(page, "#q3 button.flag")


def test_after_submitting_the_score_comes_first_and_the_items_one_click_away(sized):
    """交卷 lands on the score, the verdict and the sections; 查看逐题答案与解析 opens each item
    with its key, and 只看错题 hides the items answered right without a reload."""
    from tests.integration.test_result_page import _objective_paper, _sit

    page = sized
    paper = _objective_paper(person("lead", Role.LEAD), multi_rule="half")
    attempt = _sit(paper, person("xiaozhou", Role.STAFF), right={"single", "fill"})
    sign_in(page, "xiaozhou")
    page.goto(f"/exams/attempts/{attempt.id}/result")
    expect(page.locator(".result-score")).to_contain_text("总分 5 / 8")
    assert page.locator(".result-item").count() == 0 and fits_the_screen(page)
    if shots := os.environ.get("EXAM_SCREENSHOTS"):  # a folder: keep them to look at
        page.screenshot(path=f"{shots}/result-{page.viewport_size['width']}.png", full_page=True)
    page.get_by_role("link", name="查看逐题答案与解析").click()
    page.wait_for_url(re.compile(r"/result/items$"))
    items = page.locator(".result-item")
    expect(items).to_have_count(len(attempt.items))
    assert "正确答案" in page.content() and fits_the_screen(page)
    page.locator("a[data-only-wrong]").click()
    expect(page.locator(".result-item:not([hidden])")).to_have_count(2)  # the wrong and the partial
    expect(page.locator("#filter-state")).to_have_text("只显示错题和部分正确的题。")
    assert page.url.endswith("?only=wrong")
    page.get_by_role("link", name="返回成绩概览").first.click()
    expect(page.locator(".result-score")).to_be_visible()


def test_the_waiting_room_counts_down_and_wakes_its_button_at_the_opening(sized):
    """候考: before the window opens 「我的考试」 leads to the notice, whose 开始作答 waits for
    the server's opening time and then starts without a reload."""
    page, width = sized, sized.viewport_size["width"]
    lead = person("lead", Role.LEAD)
    staff = person("xiaowang", Role.STAFF)
    paper = sitting_paper(lead)
    paper.opens_at = utcnow() + timedelta(minutes=2)
    db.session.commit()
    page.clock.install()
    sign_in(page, "xiaowang")
    expect(page.locator("main")).to_contain_text("待开考")
    page.get_by_role("link", name="考试须知（候考）").click()

    waiting = page.locator("#waiting")
    expect(waiting).to_be_visible()
    expect(page.locator("#opens-countdown")).to_have_text(re.compile(r"^0[12]:\d\d$"))
    button = page.get_by_role("button", name="开始作答")
    expect(button).to_be_disabled()
    assert fits_the_screen(page)
    if shots := os.environ.get("EXAM_SCREENSHOTS"):
        page.screenshot(path=f"{shots}/waiting-room-{width}.png", full_page=True)
    page.clock.fast_forward(60_000)  # a minute on the page's clock: still counting
    expect(page.locator("#opens-countdown")).to_have_text(re.compile(r"^0[01]:\d\d$"))
    expect(button).to_be_disabled()

    # The window opens on the server's clock, and the page's reaches zero.
    db.session.commit()
    db.session.get(type(paper), paper.id).opens_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    page.clock.fast_forward(61_000)
    expect(button).to_be_enabled()
    expect(waiting).to_be_hidden()
    expect(page.locator("#opened")).to_be_visible()
    button.click()
    page.wait_for_selector("#attempt")
    db.session.commit()
    assert db.session.scalar(select(Attempt.id).where(Attempt.user_id == staff.id)) is not None
