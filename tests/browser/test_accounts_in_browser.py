"""Accounts in a real browser, on a desktop (1366 px) and a phone (390 px): an admin
disables an account and the person, signed in elsewhere, is out on their next page; a new
account sets its own password before anything else."""

from __future__ import annotations

import shutil
import threading

import pytest
from werkzeug.serving import make_server

from exam_app import create_app
from exam_app.extensions import db
from exam_app.models import Role
from tests.browser.conftest import fits_the_screen, sign_in
from tests.factories import person

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}
PORTS = range(5810, 5820)  # the ports these tests may use on a shared machine


@pytest.fixture
def server(tmp_path, sqlite_template):
    """The app on a real SQLite file, served on the first free port of PORTS."""
    path = tmp_path / "live.db"
    shutil.copy(sqlite_template, path)
    app = create_app({"TESTING": True, "SECRET_KEY": "browser-test",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})  # fmt: skip
    for port in PORTS:
        try:
            http = make_server("127.0.0.1", port, app, threaded=True)
            break
        except OSError:
            continue
    else:
        pytest.skip("ports 5810–5819 are all in use")
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    ctx = app.app_context()
    ctx.push()
    app.base_url = f"http://127.0.0.1:{http.server_port}"
    yield app
    db.session.remove()
    ctx.pop()
    http.shutdown()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(params=list(WIDTHS))
def browser_at(request, chromium, server):
    """New browser contexts (separate cookies: separate people) at one screen width."""
    width, height = WIDTHS[request.param]
    contexts = []

    def new_page():
        context = chromium.new_context(
            base_url=server.base_url, locale="zh-CN", viewport={"width": width, "height": height}
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    new_page.width = request.param
    yield new_page
    for context in contexts:
        context.close()


def _shot(page, tmp_path, name):
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)


def test_an_admin_disables_an_account_and_the_person_is_signed_out(browser_at, tmp_path):
    person("admin", Role.ADMIN)
    staff = person("zhang", Role.STAFF)

    theirs = browser_at()
    sign_in(theirs, "zhang")
    theirs.wait_for_url("**/exams/")
    assert theirs.get_by_role("heading", name="我的考试").is_visible()

    admin = browser_at()
    sign_in(admin, "admin")
    admin.wait_for_url("**/admin/users")
    assert fits_the_screen(admin)
    _shot(admin, tmp_path, f"users-{browser_at.width}")
    admin.locator(f"a[href='/admin/users/{staff.id}']").click()
    admin.wait_for_url(f"**/admin/users/{staff.id}")
    assert admin.locator("#account-state").text_content() == "正常"
    admin.get_by_role("button", name="停用账号").click()
    admin.wait_for_url(f"**/admin/users/{staff.id}")
    assert (
        "已停用 测试zhang 的账号，其所有登录已退出" in admin.locator(".flash").first.text_content()
    )
    assert admin.locator("#account-state").text_content() == "已停用"
    assert admin.get_by_role("button", name="恢复账号").is_visible()
    assert fits_the_screen(admin)
    _shot(admin, tmp_path, f"edit-{browser_at.width}")

    # Their next page: the sign-in form, and signing in again is refused plainly.
    theirs.get_by_role("link", name="我的考核档案").click()
    theirs.wait_for_url("**/login**")
    assert theirs.get_by_role("heading", name="登录").is_visible()
    sign_in(theirs, "zhang")
    assert "该账号已停用，无法登录" in theirs.locator(".flash").first.text_content()
    assert "/login" in theirs.url


def test_a_new_account_sets_its_own_password_at_first_sign_in(browser_at, tmp_path):
    person("admin", Role.ADMIN)
    admin = browser_at()
    sign_in(admin, "admin")
    admin.wait_for_url("**/admin/users")
    admin.fill("input[name=username]", "newbie")
    admin.fill("input[name=name]", "王新")
    admin.fill("input[name=staff_no]", "N2026")
    admin.fill("input[name=department]", "客服三部")
    admin.get_by_label("客服人员").check()
    admin.get_by_role("button", name="创建").click()
    one_time = admin.locator("#one-time-password code").text_content()
    assert len(one_time) >= 12
    assert "只显示这一次" in admin.locator("#one-time-password").text_content()
    assert admin.get_by_role("cell", name="待设密码").is_visible()

    page = browser_at()
    sign_in(page, "newbie", one_time)
    page.wait_for_url("**/account/password")
    assert "请先设置您自己的密码" in page.locator("#must-change").text_content()
    assert fits_the_screen(page)
    _shot(page, tmp_path, f"must-change-{browser_at.width}")
    # No menu yet, and any other page brings them back here.
    assert page.get_by_role("link", name="我的考试").count() == 0
    page.goto("/records/")
    page.wait_for_url("**/account/password")

    page.fill("input[name=current_password]", one_time)
    page.fill("input[name=new_password]", "short")
    page.fill("input[name=confirm]", "short")
    page.get_by_role("button", name="保存新密码").click()
    assert page.get_by_text("密码至少 12 位").is_visible()

    page.fill("input[name=current_password]", one_time)
    page.fill("input[name=new_password]", "wang-xin-2026")
    page.fill("input[name=confirm]", "wang-xin-2026")
    page.get_by_role("button", name="保存新密码").click()
    page.wait_for_url("**/exams/")
    assert "密码已修改" in page.locator(".flash").first.text_content()
    assert page.get_by_role("heading", name="我的考试").is_visible()

    # The next sign-in uses the new password and goes straight to work.
    later = browser_at()
    sign_in(later, "newbie", "wang-xin-2026")
    later.wait_for_url("**/exams/")
