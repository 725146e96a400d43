"""Service quality in a real browser at 1366 px and 390 px: a supervisor records a fault
through the form, and the person's staff file shows it at once with the way to appeal."""

from __future__ import annotations

import os

import pytest

from exam_app.extensions import db
from exam_app.models import Role
from exam_app.models.base import utcnow
from exam_app.services.appeals import local_date
from tests.browser.conftest import fits_the_screen, sign_in
from tests.factories import person

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}
SHOTS = os.environ.get("EXAM_SCREENSHOTS")  # a folder: keep screenshots to look at


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.mark.parametrize("width", list(WIDTHS))
def test_a_supervisor_records_a_fault_and_the_staff_file_shows_it(chromium, live, width):
    sup = person("sup", Role.SUPERVISOR)
    staff = person("amy", Role.STAFF)
    staff.supervisor_id = sup.id
    db.session.commit()
    w, h = WIDTHS[width]
    pages = []
    for who in ("sup", "amy"):
        context = chromium.new_context(base_url=live.base_url, locale="zh-CN", bypass_csp=True,
                                       viewport={"width": w, "height": h})  # fmt: skip
        page = context.new_page()
        page.set_default_timeout(15_000)
        sign_in(page, who)
        pages.append(page)
    desk, own = pages

    desk.goto("/quality/")
    assert fits_the_screen(desk)
    desk.select_option("select[name=person]", str(staff.id))
    desk.fill("input[name=occurred_on]", local_date(utcnow()).isoformat())
    desk.select_option("select[name=standard]", "wykh-10")
    desk.fill("textarea[name=observed]", "业主投诉电梯噪音，未做书面记录也未上报。")
    desk.check("input[name=supervisor_liable]")
    desk.click("#record-form button[type=submit]")
    desk.wait_for_selector(".flash.success")
    assert "已记录" in desk.inner_text(".flash.success")
    assert "业主投诉电梯噪音" in desk.inner_text("#records")
    assert fits_the_screen(desk)
    _shot(desk, f"desk-{width}")

    own.goto("/records/")
    row = own.locator("#quality-records tr", has_text="业主投诉电梯噪音")
    assert row.count() == 1 and "-5" in row.inner_text()
    assert "申诉（截至" in row.inner_text()
    assert fits_the_screen(own)
    _shot(own, f"staff-file-{width}")
    # The person appeals from the staff file; the row then says it is being handled.
    row.locator("summary").click()
    row.locator("textarea[name=reason]").fill("当天我不在岗。")
    row.locator("button[type=submit]").click()
    own.wait_for_selector(".flash.success")
    assert "申诉处理中" in own.locator("#quality-records").inner_text()
    for page in pages:
        page.context.close()
