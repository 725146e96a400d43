"""Accounts: people change their own password, one-time passwords are changed at first
sign-in, and an admin edits, resets, disables and re-enables accounts. Each rule holds on
SQLite and PostgreSQL (the `app` fixture runs every test on both)."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from exam_app.extensions import db
from exam_app.models import ApiToken, Attempt, Role, User
from exam_app.models.base import utcnow
from exam_app.models.sign_in import LoginSession
from exam_app.services.api_tokens import create_token
from exam_app.services.attempts import start_attempt, submit
from exam_app.services.demo import DEMO_PEOPLE, ensure_demo_accounts
from tests.factories import loop_paper, person
from tests.helpers import PASSWORD

NEW_PASSWORD = "my-own-pass-2026"
# Every route this feature added, and how it is called.
NEW_ADMIN_ROUTES = [
    ("GET", "/admin/users/{id}"),
    ("POST", "/admin/users/{id}"),
    ("POST", "/admin/users/{id}/reset-password"),
    ("POST", "/admin/users/{id}/disable"),
    ("POST", "/admin/users/{id}/enable"),
]


def _user(username: str) -> User:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.username == username))


def _signed_in(make_client, username: str, password: str = PASSWORD):
    web = make_client()
    web.login(username, password)
    return web


def _sessions(user_id: int) -> int:
    db.session.expire_all()
    return db.session.scalar(
        select(func.count(LoginSession.id)).where(LoginSession.user_id == user_id)
    )


def _change(web, current: str, new: str, confirm: str | None = None):
    web.get("/account/password")
    return web.post(
        "/account/password",
        {"current_password": current, "new_password": new, "confirm": confirm or new},
    )


def _is_signed_out(web, url: str = "/exams/") -> bool:
    response = web.get(url)
    return response.status_code == 302 and "/login" in response.headers["Location"]


# --- Changing one's own password ----------------------------------------------------------


def test_a_password_change_keeps_this_session_and_closes_the_others(app, make_client):
    """ASVS V3.3.3: a password change signs out every other session."""
    staff = person("staff", Role.STAFF)
    here = _signed_in(make_client, "staff")
    phone = _signed_in(make_client, "staff")
    shared_pc = _signed_in(make_client, "staff")
    assert _sessions(staff.id) == 3

    response = _change(here, PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/exams/"
    page = here.get("/exams/").get_data(as_text=True)
    assert "密码已修改" in page and "其他 2 处设备上的登录已退出" in page
    assert _sessions(staff.id) == 1
    assert _is_signed_out(phone) and _is_signed_out(shared_pc)
    # The old password is gone, the new one signs in.
    fresh = make_client()
    refused = fresh.post("/login", {"username": "staff", "password": PASSWORD})
    assert "用户名或密码错误" in refused.get_data(as_text=True)
    fresh.login("staff", NEW_PASSWORD)


@pytest.mark.parametrize(
    "current, new, confirm, message",
    [
        ("wrong-password", NEW_PASSWORD, None, "当前密码不正确"),
        (PASSWORD, "short7!", None, "密码至少 12 位"),
        (PASSWORD, "Staff-Name", None, "密码不能与用户名相同"),
        (PASSWORD, PASSWORD, None, "新密码不能与当前密码相同"),
        (PASSWORD, NEW_PASSWORD, "something-else", "两次输入的新密码不一致"),
        ("", NEW_PASSWORD, None, "请输入当前密码"),
    ],
    ids=["wrong-current", "short", "username", "unchanged", "mismatch", "no-current"],
)
def test_a_bad_password_change_is_refused_in_chinese_and_changes_nothing(
    app, make_client, current, new, confirm, message
):
    """ASVS V2.1.6: a change needs the current password and a valid new one."""
    person("staff-name", Role.STAFF)
    web = _signed_in(make_client, "staff-name")
    response = _change(web, current, new, confirm)
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert _user("staff-name").check_password(PASSWORD)


def test_guessing_the_current_password_is_throttled_like_sign_in(app, make_client):
    """ASVS V2.2.1: guessing the current password is throttled."""
    person("staff", Role.STAFF)
    web = _signed_in(make_client, "staff")
    for _ in range(5):
        assert "当前密码不正确" in _change(web, "guess", NEW_PASSWORD).get_data(as_text=True)
    blocked = _change(web, PASSWORD, NEW_PASSWORD)
    assert blocked.status_code == 429 and "密码错误次数过多" in blocked.get_data(as_text=True)
    assert _user("staff").check_password(PASSWORD)


def test_a_forged_password_change_without_csrf_token_is_refused(app, make_client):
    """ASVS V4.2.2: a forged password change is refused (CSRF)."""
    person("staff", Role.STAFF)
    web = _signed_in(make_client, "staff")
    data = {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    forged = web.http.post("/account/password", data=data)
    assert forged.status_code == 400 and "CSRF" in forged.get_data(as_text=True)
    assert _user("staff").check_password(PASSWORD)


def test_every_role_reaches_the_change_page_from_the_menu(app, make_client):
    """ASVS V2.1.5: every person can change their own password."""
    for role in Role:
        person(f"who-{role.value}", role)
        web = _signed_in(make_client, f"who-{role.value}")
        home = web.get("/", follow_redirects=True)
        assert home.status_code == 200, role
        assert 'href="/account/password"' in home.get_data(as_text=True), role
        page = web.get("/account/password")
        assert page.status_code == 200 and "修改密码" in page.get_data(as_text=True)
        assert page.headers["Cache-Control"] == "no-store"


# --- One-time passwords are changed at first sign-in ---------------------------------------


def _admin(make_client):
    person("admin", Role.ADMIN)
    return _signed_in(make_client, "admin")


def _create_by_admin(admin_web, **fields) -> str:
    admin_web.get("/admin/users")
    data = {"username": "newbie", "name": "新同事", "staff_no": "N9001", "department": "客服三部",
            "position": "话务员", "roles": ["staff"], **fields}  # fmt: skip
    page = admin_web.post("/admin/users", data).get_data(as_text=True)
    match = re.search(r'id="one-time-password">.*?<code>([^<]+)</code>', page, re.S)
    assert match, page[-3000:]
    return match.group(1)


def test_an_account_made_by_an_admin_must_set_its_own_password_first(app, make_client):
    """ASVS V2.3.1: an initial password must be changed before anything else."""
    plain = _create_by_admin(_admin(make_client))
    newbie = _user("newbie")
    assert newbie.must_change_password and newbie.position == "话务员"
    assert newbie.department.name == "客服三部"

    web = make_client()
    web.get("/login")
    signed_in = web.post("/login?next=/records/", {"username": "newbie", "password": plain})
    assert signed_in.headers["Location"] == "/account/password"
    page = web.get("/account/password").get_data(as_text=True)
    assert "请先设置您自己的密码" in page
    # Every page sends them back here; scripts and the API get a JSON 403 in Chinese.
    for url in ("/", "/exams/", "/records/", "/exams/practice", "/admin/users", "/nowhere"):
        response = web.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"] == "/account/password", url
    for headers in ({"Accept": "application/json"}, {"X-Requested-With": "XMLHttpRequest"}):
        response = web.http.get("/exams/", headers=headers)
        assert response.status_code == 403 and "请先修改初始密码" in response.json["error"]
    api = web.http.get("/api/v1/papers")
    assert api.status_code == 403 and "请先修改初始密码" in api.json["error"]
    saved = web.post_json("/exams/attempts/1/answers", {"position": 1, "response": "A", "seq": 1})
    assert saved.status_code == 403 and "请先修改初始密码" in saved.json["error"]
    assert web.get("/static/app.css").status_code == 200
    assert web.get("/healthz").status_code == 200

    assert _change(web, plain, NEW_PASSWORD).headers["Location"] == "/exams/"
    assert not _user("newbie").must_change_password
    assert web.get("/records/").status_code == 200


def test_signing_out_works_while_a_password_change_is_due(app, make_client):
    plain = _create_by_admin(_admin(make_client))
    web = make_client()
    web.login("newbie", plain)
    assert web.post("/logout").headers["Location"] == "/login"
    assert _is_signed_out(web)


def _roster(rows: list[list]) -> bytes:
    book = Workbook()
    book.active.append(["工号", "姓名", "部门", "岗位", "角色"])
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_account_made_by_the_roster_import_must_set_its_own_password_first(app, make_client):
    """ASVS V2.3.1: roster accounts get a one-time password to change first."""
    admin = _admin(make_client)
    admin.get("/staffing/roster")
    data = {"file": (io.BytesIO(_roster([["R7001", "王五", "客服三部", "", ""]])), "花名册.xlsx")}
    page = admin.post("/staffing/roster", data, content_type="multipart/form-data")
    plain = re.search(r'<code class="password">([^<]+)</code>', page.get_data(as_text=True))[1]
    assert _user("R7001").must_change_password
    web = make_client()
    web.login("R7001", plain)
    assert web.get("/exams/").headers["Location"] == "/account/password"


def test_demo_accounts_need_no_change_and_include_hr(app, tmp_path, make_client):
    rows = ensure_demo_accounts(tmp_path / "demo-accounts.txt")
    assert [r[0] for r in rows] == [p[0] for p in DEMO_PEOPLE]
    hr = next(r for r in rows if r[0] == "hr1")
    assert hr[2] == "人力资源"
    db.session.expire_all()
    assert not any(u.must_change_password for u in db.session.scalars(select(User)))
    web = _signed_in(make_client, "hr1", hr[1])
    home = web.get("/", follow_redirects=True)
    assert home.request.path == "/reports/" and "统计报表" in home.get_data(as_text=True)


def test_the_check_costs_no_query_for_people_who_need_no_change(app, make_client):
    from sqlalchemy import event

    from exam_app.web import password_change

    person("staff", Role.STAFF)
    web = _signed_in(make_client, "staff")
    statements: list[str] = []
    seen: list[bool] = []
    hook = app.before_request_funcs[None]
    index = next(
        n for n, f in enumerate(hook) if f.__module__ == password_change.__name__
    )  # the registered hook
    original = hook[index]

    def counted():
        from flask_login import current_user

        current_user._get_current_object()  # loaded as every signed-in request loads it
        listen = lambda *a: statements.append(a[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listen)
        try:
            seen.append(True)
            return original()
        finally:
            event.remove(db.engine, "before_cursor_execute", listen)

    hook[index] = counted
    try:
        assert web.get("/exams/").status_code == 200
    finally:
        hook[index] = original
    assert seen == [True] and statements == []


# --- An admin edits a person ----------------------------------------------------------------


def test_an_admin_edits_name_staff_number_department_position_and_roles(app, make_client):
    admin = _admin(make_client)
    staff = person("staff", Role.STAFF)
    page = admin.get(f"/admin/users/{staff.id}").get_data(as_text=True)
    assert 'value="测试staff"' in page and 'value="客服一部"' in page
    response = admin.post(
        f"/admin/users/{staff.id}",
        {"name": "张三", "staff_no": "S9999", "department": "客服五部", "position": "班长",
         "roles": ["staff", "reviewer"]},
    )  # fmt: skip
    assert response.status_code == 302
    edited = _user("staff")
    assert (edited.name, edited.staff_no, edited.position) == ("张三", "S9999", "班长")
    assert edited.department.name == "客服五部"
    assert edited.roles == {Role.STAFF, Role.REVIEWER}
    assert "已保存 张三 的资料" in admin.get(f"/admin/users/{staff.id}").get_data(as_text=True)


def test_an_edit_is_refused_in_chinese_for_a_taken_staff_number_or_no_role(app, make_client):
    admin = _admin(make_client)
    staff = person("staff", Role.STAFF)
    other = person("other", Role.STAFF)
    base = {"name": "张三", "staff_no": other.staff_no, "department": "", "position": "",
            "roles": ["staff"]}  # fmt: skip
    page = admin.post(f"/admin/users/{staff.id}", base).get_data(as_text=True)
    assert f"工号「{other.staff_no}」已被其他人使用" in page
    page = admin.post(f"/admin/users/{staff.id}", {**base, "staff_no": "S1", "roles": []})
    assert "至少选择一个角色" in page.get_data(as_text=True)
    assert _user("staff").name == "测试staff"


def test_an_admin_cannot_remove_their_own_admin_role(app, make_client):
    admin = _admin(make_client)
    me = _user("admin")
    page = admin.post(
        f"/admin/users/{me.id}",
        {"name": "管理员", "staff_no": me.staff_no, "department": "", "position": "",
         "roles": ["staff"]},
    ).get_data(as_text=True)  # fmt: skip
    assert "不能去掉您自己的系统管理员角色" in page
    assert _user("admin").roles == {Role.ADMIN}


def test_the_last_active_admin_keeps_the_role_even_when_another_admin_edits(app, make_client):
    from exam_app.services import ServiceError
    from exam_app.services.account_admin import update_person

    admin = person("admin", Role.ADMIN)
    other = person("other-admin", Role.ADMIN)
    other.is_active_account = False
    db.session.commit()
    with pytest.raises(ServiceError, match="不能去掉您自己"):
        update_person(admin, admin, name="甲", staff_no=admin.staff_no, department="",
                      position="", roles={Role.STAFF})  # fmt: skip
    # A disabled admin may lose the role: the active one remains.
    update_person(admin, other, name="乙", staff_no=other.staff_no, department="", position="",
                  roles={Role.STAFF})  # fmt: skip
    assert _user("other-admin").roles == {Role.STAFF}


# --- Reset password -------------------------------------------------------------------------


def test_a_reset_password_is_shown_once_and_must_be_changed(app, make_client):
    """ASVS V2.3.1: a reset password is one-time and must be changed."""
    admin = _admin(make_client)
    staff = person("staff", Role.STAFF)
    theirs = _signed_in(make_client, "staff")
    admin.get(f"/admin/users/{staff.id}")
    response = admin.post(f"/admin/users/{staff.id}/reset-password")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    plain = re.search(r'id="one-time-password">.*?<code>([^<]+)</code>', response.get_data(
        as_text=True), re.S)[1]  # fmt: skip
    assert len(plain) >= 12
    # Shown once: the person's page never shows it again.
    again = admin.get(f"/admin/users/{staff.id}").get_data(as_text=True)
    assert plain not in again and "one-time-password" not in again
    assert plain not in admin.get("/admin/users").get_data(as_text=True)
    # The old password is dead, their open session ended, the new one must be changed.
    assert _is_signed_out(theirs)
    user = _user("staff")
    assert user.must_change_password and not user.check_password(PASSWORD)
    web = make_client()
    web.login("staff", plain)
    assert web.get("/exams/").headers["Location"] == "/account/password"


def test_an_admin_resets_their_own_password_only_by_changing_it(app, make_client):
    """ASVS V3.7.1: one's own password changes only with re-authentication."""
    admin = _admin(make_client)
    me = _user("admin")
    admin.get(f"/admin/users/{me.id}")
    response = admin.post(f"/admin/users/{me.id}/reset-password", follow_redirects=True)
    assert "请在「修改密码」中修改" in response.get_data(as_text=True)
    assert _user("admin").check_password(PASSWORD)


# --- Disable and re-enable --------------------------------------------------------------------


def test_disabling_signs_the_person_out_stops_their_tokens_and_keeps_their_records(
    app, make_client
):
    """ASVS V3.3.1 (account disabling): disabling ends sessions and API tokens."""
    admin = _admin(make_client)
    hr_admin = person("hr-admin", Role.ADMIN, Role.STAFF)
    _, plain = create_token("HR 薪酬系统", hr_admin, utcnow())
    _, others_plain = create_token("别人的令牌", _user("admin"), utcnow())
    attempt = start_attempt(loop_paper(person("lead", Role.LEAD)), hr_admin)
    submit(attempt)
    theirs = _signed_in(make_client, "hr-admin")
    bearer = {"Authorization": f"Bearer {plain}"}
    assert theirs.get("/exams/").status_code == 200
    assert theirs.http.get("/api/v1/papers", headers=bearer).status_code == 200

    admin.get(f"/admin/users/{hr_admin.id}")
    response = admin.post(f"/admin/users/{hr_admin.id}/disable", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "已停用 测试hr-admin 的账号" in page and "1 个接口令牌已吊销" in page
    assert 'id="account-state">已停用' in page

    # Their next request: signed out, and the token they made is refused.
    assert _is_signed_out(theirs)
    refused = theirs.http.get("/api/v1/papers", headers=bearer)
    assert refused.status_code == 403 and "吊销" in refused.json["error"]
    other = {"Authorization": f"Bearer {others_plain}"}
    assert theirs.http.get("/api/v1/papers", headers=other).status_code == 200
    assert _sessions(hr_admin.id) == 0
    # Everything they did stays.
    db.session.expire_all()
    assert db.session.get(Attempt, attempt.id).status in ("submitted", "graded", "released")
    assert db.session.scalar(select(ApiToken).where(ApiToken.created_by_id == hr_admin.id))


def test_a_session_opened_while_the_account_was_being_disabled_is_signed_out(app, make_client):
    """ASVS V3.3.1 (account disabling): a racing sign-in of a disabled account is dead.

    A sign-in racing with the disabling may leave a session row: it signs no one in."""
    staff = person("staff", Role.STAFF)
    web = _signed_in(make_client, "staff")
    staff.is_active_account = False  # as if disabled just after the sign-in checked
    db.session.commit()
    assert _is_signed_out(web)


@pytest.mark.parametrize("password", [PASSWORD, "wrong-password"], ids=["right", "wrong"])
def test_a_disabled_person_cannot_sign_in_and_is_told_so_whatever_the_password(
    app, make_client, password
):
    """ASVS V2.2.1 (account disabling): a disabled account cannot sign in; no password oracle."""
    admin = _admin(make_client)
    staff = person("staff", Role.STAFF)
    admin.get(f"/admin/users/{staff.id}")
    admin.post(f"/admin/users/{staff.id}/disable")
    web = make_client()
    web.get("/login")
    response = web.post("/login", {"username": "staff", "password": password})
    body = response.get_data(as_text=True)
    assert response.status_code == 403 and "该账号已停用，无法登录" in body
    assert "用户名或密码错误" not in body
    assert _is_signed_out(web)


def test_a_re_enabled_person_signs_in_again(app, make_client):
    admin = _admin(make_client)
    staff = person("staff", Role.STAFF)
    admin.get(f"/admin/users/{staff.id}")
    admin.post(f"/admin/users/{staff.id}/disable")
    assert not _user("staff").is_active_account
    page = admin.post(f"/admin/users/{staff.id}/enable", follow_redirects=True)
    assert "已恢复 测试staff 的账号" in page.get_data(as_text=True)
    assert _signed_in(make_client, "staff").get("/exams/").status_code == 200


def test_an_admin_cannot_disable_themself(app, make_client):
    admin = _admin(make_client)
    me = _user("admin")
    admin.get(f"/admin/users/{me.id}")
    page = admin.post(f"/admin/users/{me.id}/disable", follow_redirects=True)
    assert "不能停用您自己的账号" in page.get_data(as_text=True)
    assert _user("admin").is_active_account
    assert admin.get("/admin/users").status_code == 200  # still signed in


def test_the_list_shows_each_accounts_state(app, make_client):
    admin = _admin(make_client)
    staff = person("staff", Role.STAFF)
    _create_by_admin(admin)
    admin.get(f"/admin/users/{staff.id}")
    admin.post(f"/admin/users/{staff.id}/disable")
    page = admin.get("/admin/users").get_data(as_text=True)
    assert "已停用" in page and "待设密码" in page and f"/admin/users/{staff.id}" in page


# --- Who may do it --------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.STAFF, Role.REVIEWER, Role.LEAD, Role.HR], ids=str)
def test_only_admins_reach_the_new_admin_routes(app, make_client, role):
    """ASVS V4.1.3: only admins reach the account admin routes."""
    target = person("target", Role.STAFF)
    web = _signed_in(make_client, person("who", role).username)
    for method, url in NEW_ADMIN_ROUTES:
        url = url.format(id=target.id)
        response = web.get(url) if method == "GET" else web.post(url, {"name": "改名"})
        assert response.status_code == 403, (role, method, url)
        assert "没有权限" in response.get_data(as_text=True)
    assert _user("target").is_active_account and _user("target").name == "测试target"


def test_forged_admin_actions_without_csrf_token_are_refused(app, make_client):
    """ASVS V4.2.2: forged admin actions are refused (CSRF)."""
    admin = _admin(make_client)
    staff = person("staff", Role.STAFF)
    for _method, url in NEW_ADMIN_ROUTES[1:]:
        forged = admin.http.post(url.format(id=staff.id), data={"name": "改名"})
        assert forged.status_code == 400 and "CSRF" in forged.get_data(as_text=True), url
    user = _user("staff")
    assert user.is_active_account and user.check_password(PASSWORD) and user.name == "测试staff"


def test_admin_pages_are_never_cached(app, make_client):
    """ASVS V8.2.1: admin pages carry Cache-Control: no-store."""
    admin = _admin(make_client)
    staff = person("staff", Role.STAFF)
    for url in ("/admin/users", f"/admin/users/{staff.id}"):
        assert admin.get(url).headers["Cache-Control"] == "no-store", url


def test_an_unknown_person_is_404(app, make_client):
    admin = _admin(make_client)
    assert admin.get("/admin/users/999999").status_code == 404


def test_sessions_older_than_a_change_do_not_linger_after_a_reset(app, make_client):
    """ASVS V3.3.3: a reset ends every session of the person.

    A reset ends sessions made moments ago and long ago alike."""
    admin = _admin(make_client)
    staff = person("staff", Role.STAFF)
    _signed_in(make_client, "staff")
    for row in db.session.scalars(select(LoginSession).where(LoginSession.user_id == staff.id)):
        row.created_at -= timedelta(days=20)
    db.session.commit()
    _signed_in(make_client, "staff")
    admin.get(f"/admin/users/{staff.id}")
    admin.post(f"/admin/users/{staff.id}/reset-password")
    assert _sessions(staff.id) == 0
