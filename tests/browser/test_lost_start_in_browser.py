"""A start that a power cut took back (its commit does not wait for the disk:
attempts.claim_prepared), in a real browser: the answer given meanwhile is kept in the
browser, the page leads back to 开始作答, and after it the answer is saved to the same
attempt."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select, update

from exam_app.extensions import db
from exam_app.models import Attempt, AttemptItem, Role
from exam_app.services import attempt_layouts
from exam_app.services.preparing import prepare_due
from tests.browser.conftest import sign_in
from tests.browser.test_sitting_in_browser import sitting_paper
from tests.factories import person

pytestmark = pytest.mark.browser


def test_an_answer_given_after_a_lost_start_is_saved_once_started_again(page):
    lead = person("lead", Role.LEAD)
    staff = person("xiaozhao", Role.STAFF)
    paper = sitting_paper(lead)
    prepare_due()
    prepared = db.session.scalar(select(Attempt).where(Attempt.reserved_for_id == staff.id))
    as_prepared = {c: getattr(prepared, c) for c in ("status", "user_id", "started_at",
                                                     "deadline_at")}  # fmt: skip
    attempt_id = prepared.id
    db.session.commit()
    sign_in(page, "xiaozhao")
    page.goto(f"/exams/papers/{paper.id}/notice")
    page.get_by_role("button", name="开始作答").click()
    page.wait_for_selector("#attempt")
    assert page.url.endswith(f"/exams/attempts/{attempt_id}")

    # The power cut: the attempt as it was before the start, the server's caches gone.
    db.session.commit()  # end the read snapshot: the live server wrote meanwhile
    db.session.execute(update(Attempt).where(Attempt.id == attempt_id).values(**as_prepared))
    db.session.commit()
    attempt_layouts.clear()

    first = page.locator("fieldset[data-position='1'] input[type=radio]").first
    first.check()
    expect(page.locator("#net")).to_contain_text("尚未开始作答")
    page.wait_for_url(f"**/exams/papers/{paper.id}/notice")
    expect(page.locator(".flash")).to_contain_text("尚未开始作答")
    page.get_by_role("button", name="开始作答").click()
    page.wait_for_url(f"**/exams/attempts/{attempt_id}")
    expect(page.locator("#net")).to_have_text("所有答案已保存")
    db.session.commit()  # a fresh read: the live server wrote meanwhile
    item = db.session.scalar(
        select(AttemptItem).where(AttemptItem.attempt_id == attempt_id, AttemptItem.position == 1)
    )
    assert item.response is not None and item.save_seq > 0
    assert db.session.get(Attempt, attempt_id).status == "in_progress"
