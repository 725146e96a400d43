"""Leads and reviewers in a real browser (#13), at a desktop's and a phone's width: a reviewer
marks with the running total; a lead builds a paper by picking items from the bank, publishes
it through the confirmation and watches the monitor update itself."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from exam_app.extensions import db
from exam_app.models import AttemptItem, Paper, Question, Review, Role
from exam_app.models.base import utcnow
from exam_app.services import papers as paper_service
from exam_app.services.attempts import start_attempt
from exam_app.services.autosave import save_answer
from tests.browser.conftest import sign_in
from tests.factories import key_response, person
from tests.marking_fixtures import fresh, levelled_question, marking_paper, sit

pytestmark = pytest.mark.browser
WIDTHS = {"desktop": 1366, "phone": 390}


@pytest.fixture(params=list(WIDTHS))
def sized(request, chromium, live):
    context = chromium.new_context(
        base_url=live.base_url,
        locale="zh-CN",
        bypass_csp=True,  # Playwright's own waits are strings, which our CSP forbids
        viewport={"width": WIDTHS[request.param], "height": 900},
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def _no_sideways_scroll(page):
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_reviewer_sees_the_running_total_and_cannot_send_more_than_full_marks(sized, live):
    page = sized
    lead = person("lead", Role.LEAD, department="培训中心")
    person("alice", Role.REVIEWER, department="培训中心")
    answer = sit(marking_paper(lead), person("xiaoming", Role.STAFF))
    item = fresh(AttemptItem, answer.id)
    item.points = Decimal(8)  # the rubric's 4 + 6 can add up to more than the item carries
    db.session.commit()

    sign_in(page, "alice")
    page.goto(f"/review/items/{answer.id}")
    page.get_by_role("button", name="领取").click()
    total = page.locator(".rubric-total")
    expect(total).to_contain_text("合计 0 / 8 分")
    expect(total).to_contain_text("还有 2 项未评")
    page.get_by_label("事实认定得分").fill("4")
    expect(total).to_contain_text("合计 4 / 8 分")
    expect(total).to_contain_text("还有 1 项未评")
    page.get_by_label("收益归属得分").fill("5")
    expect(total).to_contain_text("合计 9 / 8 分")
    expect(page.locator("[data-rubric-warning]")).to_have_text(
        "合计 9 分超过本题满分 8 分，请检查各项得分。"
    )
    _no_sideways_scroll(page)
    page.get_by_role("button", name="提交评分").click()
    expect(page).to_have_url(f"{live.base_url}/review/items/{answer.id}")  # not sent
    db.session.commit()
    assert db.session.scalar(select(func.count(Review.id))) == 0

    page.get_by_label("收益归属得分").fill("4")
    expect(total).to_contain_text("合计 8 / 8 分")
    expect(page.locator("[data-rubric-warning]")).to_have_text("")
    page.get_by_role("button", name="提交评分").click()
    page.wait_for_url("**/review/")
    db.session.commit()  # end the read snapshot: the live server wrote meanwhile
    assert fresh(AttemptItem, answer.id).score == 8


def test_a_reviewer_picks_levels_and_the_total_follows(sized, live):
    """A criterion marked by levels (正确 / 部分正确 / 不正确): radio buttons, the total follows."""
    page = sized
    lead = person("lead", Role.LEAD, department="培训中心")
    person("alice", Role.REVIEWER, department="培训中心")
    answer = sit(marking_paper(lead, question=levelled_question()), person("xiaoming", Role.STAFF))
    item = fresh(AttemptItem, answer.id)
    item.points = Decimal(8)  # 4 + 6 can add up to more than the item carries
    db.session.commit()

    sign_in(page, "alice")
    page.goto(f"/review/items/{answer.id}")
    page.get_by_role("button", name="领取").click()
    total = page.locator(".rubric-total")
    expect(total).to_contain_text("合计 0 / 8 分")
    expect(total).to_contain_text("还有 2 项未评")
    levels = page.get_by_role("group", name="业务知识得分")
    expect(levels.get_by_role("radio")).to_have_count(3)
    expect(levels).to_contain_text("只答对一个时限")
    levels.get_by_role("radio", name="正确 4 分").check()
    expect(total).to_contain_text("合计 4 / 8 分")
    expect(total).to_contain_text("还有 1 项未评")
    page.get_by_label("表达得分").fill("5")
    expect(page.locator("[data-rubric-warning]")).to_have_text(
        "合计 9 分超过本题满分 8 分，请检查各项得分。"
    )
    _no_sideways_scroll(page)
    page.get_by_role("button", name="提交评分").click()
    expect(page).to_have_url(f"{live.base_url}/review/items/{answer.id}")  # not sent
    db.session.commit()
    assert db.session.scalar(select(func.count(Review.id))) == 0

    levels.get_by_role("radio", name="部分正确 2 分").check()
    expect(total).to_contain_text("合计 7 / 8 分")
    expect(page.locator("[data-rubric-warning]")).to_have_text("")
    page.get_by_role("button", name="提交评分").click()
    page.wait_for_url("**/review/")
    db.session.commit()  # end the read snapshot: the live server wrote meanwhile
    assert fresh(AttemptItem, answer.id).score == 7
    review = db.session.scalar(select(Review))
    assert review.criteria == {"c1": "2", "c2": "5"}


def _two_single_items() -> list[Question]:
    return list(
        db.session.scalars(
            select(Question)
            .where(
                Question.kind == "single",
                Question.status == "reviewed",
                Question.stem.contains("违约金"),
            )
            .order_by(Question.topic, Question.uid)
            .limit(2)
        )
    )


def test_a_lead_picks_items_publishes_after_confirming_and_watches_the_sitting(sized, live):
    page = sized
    lead = person("lead", Role.LEAD)
    staff = person("s1", Role.STAFF)
    now = utcnow()
    paper = paper_service.create_paper(
        created_by=lead, title="违约金小测", quarter="2026Q4", opens_at=now - timedelta(minutes=5),
        closes_at=now + timedelta(days=1), time_limit_minutes=30, pass_mark="1",
    )  # fmt: skip
    first, second = _two_single_items()

    page.clock.install()  # the monitor's 10-second refresh is run forward below
    sign_in(page, "lead")
    page.goto(f"/papers/{paper.id}")
    page.get_by_label("题干或题号").fill("违约金")
    page.locator("#picker-filter select[name=kind]").select_option(label="单选")
    page.locator("#picker-filter").get_by_role("button", name="查找").click()
    expect(page.locator("#picker-count")).to_contain_text("道已审核的题")
    page.get_by_label(f"选用 {first.uid}").check()
    page.get_by_label(f"选用 {second.uid}").check()
    picked = page.locator("#picked li")
    expect(picked).to_have_count(2)
    expect(picked.nth(0)).to_contain_text(first.uid)
    page.get_by_role("button", name=f"上移 {second.uid}").click()  # reorder: second first
    expect(picked.nth(0)).to_contain_text(second.uid)
    expect(page.locator("textarea[name='fixed-question_uids']")).to_have_value(
        f"{second.uid}\n{first.uid}"
    )
    _no_sideways_scroll(page)
    page.get_by_label("大题标题").first.fill("一、单项选择题")
    page.locator("#fixed-form").get_by_role("button", name="添加").click()
    expect(page.locator("#sections ~ section.card").first).to_contain_text("一、单项选择题")
    db.session.commit()
    items = db.session.get(Paper, paper.id).sections[0].items
    assert [i.question.uid for i in items] == [second.uid, first.uid]

    page.get_by_role("button", name="发布试卷").click()
    dialog = page.locator("#publish-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("固定题 2 道")
    expect(dialog).to_contain_text("「修订」")
    dialog.get_by_role("button", name="取消").click()
    expect(dialog).to_be_hidden()
    db.session.commit()
    assert db.session.get(Paper, paper.id).status == "draft"  # cancelling sent nothing
    page.get_by_role("button", name="发布试卷").click()
    dialog.get_by_role("button", name="确认发布").click()
    expect(page.locator(".flash.success").first).to_contain_text("试卷已发布")

    page.get_by_role("link", name="考试监控").click()
    row = page.locator(f"#monitor tbody tr[data-user='{staff.id}']")
    expect(row).to_contain_text("未开始")
    expect(page.locator("[data-summary='未开始']")).to_have_text("未开始 1")

    db.session.commit()
    attempt = start_attempt(db.session.get(Paper, paper.id), staff)
    item = attempt.items[0]
    save_answer(attempt, item.position, key_response(item.snapshot), 1)
    page.clock.run_for(10_500)  # the next refresh: no reload, the row changes in place
    expect(row).to_contain_text("作答中")
    expect(row).to_contain_text("1 / 2")
    expect(page.locator("[data-summary='作答中']")).to_have_text("作答中 1")
    expect(row.locator("td[data-left]")).to_contain_text("分")
    _no_sideways_scroll(page)
