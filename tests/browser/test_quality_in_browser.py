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


def _records_for_a_month(lead) -> str:
    """A worked month (tests/quality_fixtures.PLAN) recorded through the service."""
    from datetime import date

    from exam_app.services.quality.records import record_occurrence
    from tests.quality_fixtures import PLAN, last_month

    month = last_month()
    sup, team = person("sup", Role.SUPERVISOR), {}
    for name in ("amy", "bob", "cat", "dan"):
        team[name] = person(name, Role.STAFF, department="客服一部" if name < "c" else "客服二部")
        team[name].supervisor_id = sup.id
    db.session.commit()
    for name, day, code, liable in PLAN:
        record_occurrence(
            lead, person_id=team[name].id, occurred_on=date(int(month[:4]), int(month[5:]), day),
            standard_code=code, observed="现场检查发现", supervisor_liable=liable, now=utcnow(),
        )  # fmt: skip
    return month


@pytest.mark.parametrize("width", list(WIDTHS))
def test_a_lead_edits_the_rules_and_prints_the_posted_list(chromium, live, width):
    lead = person("lead", Role.LEAD)
    month = _records_for_a_month(lead)
    w, h = WIDTHS[width]
    context = chromium.new_context(base_url=live.base_url, locale="zh-CN", bypass_csp=True,
                                   viewport={"width": w, "height": h})  # fmt: skip
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, "lead")

    page.goto("/quality/setup/rules")
    assert "§4.2" in page.inner_text("main") and fits_the_screen(page)
    _shot(page, f"rules-{width}")
    page.fill("#band-2-low", "9")  # overlaps band 1 (5~10)
    page.click("#rules-form button[type=submit]")
    page.wait_for_selector("#rules-errors")
    assert "重叠" in page.inner_text("#rules-errors")
    assert page.get_attribute("#band-2-low", "aria-invalid") == "true" and fits_the_screen(page)
    _shot(page, f"rules-error-{width}")
    page.fill("#band-2-low", "11")
    page.check("input[name=band-3-drop]")
    page.click("#rules-form button[type=submit]")
    page.wait_for_selector(".flash.success")
    assert "16~19 分不加罚" in page.inner_text(".flash.warning")

    page.goto(f"/quality/office/months/{month}")
    page.click("#posted-link")
    page.wait_for_selector("#posted-notice")
    assert page.locator("#posted tbody tr").count() == 4
    assert "元" not in page.inner_text("#posted") and fits_the_screen(page)
    _shot(page, f"posted-{width}")
    if width == "desktop" and SHOTS:
        page.emulate_media(media="print")
        _shot(page, "posted-print")
        page.pdf(path=f"{SHOTS}/posted-a4.pdf", format="A4", prefer_css_page_size=True)
    context.close()
