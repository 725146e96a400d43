"""Who may open what: every route of the app, for every role and for anonymous users.

The routes come from the app's URL map, so a new route is checked the day it is added.
"""

from __future__ import annotations

import pytest
from flask import url_for

from exam_app.models import Role
from tests.factories import person

# Blueprint -> the roles that may use it. A route outside this table fails the test.
ALLOWED = {
    "exams": {Role.STAFF},
    "records": {Role.STAFF},
    "review": {Role.REVIEWER},
    "marking": {Role.LEAD},
    "papers": {Role.LEAD},
    "bank": {Role.LEAD},
    "admin": {Role.ADMIN},
    "appeals": {Role.REVIEWER, Role.LEAD},
    "corrections": {Role.LEAD},
    "reports": {Role.LEAD, Role.HR},
    "staffing": {Role.ADMIN},
    # Service quality: supervisors (主管) and leads record and rate; leads and HR read and
    # confirm the monthly summary; leads and admins keep the standards.
    "quality_desk": {Role.SUPERVISOR, Role.LEAD},
    "quality_office": {Role.LEAD, Role.HR},
    "quality_setup": {Role.LEAD, Role.ADMIN},
}
# The JSON API answers bearer tokens, never the session: 401/403 as JSON, not a login page.
# Its own rules are tested in test_api.py, so this session-based matrix leaves it out.
TOKEN_AUTH = {"api"}
# healthz: the load balancer's probe, deliberately open to anyone (no data, just ok/503);
# tests/integration/test_security.py checks it. favicon: the site's icon, like static files.
PUBLIC = {"auth.login", "auth.index", "static", "healthz", "favicon"}
# The change-password page: everyone sets their own password.
ANY_SIGNED_IN = {"auth.logout", "auth.change_password"}
ROLES = [Role.STAFF, Role.REVIEWER, Role.LEAD, Role.ADMIN, Role.HR, Role.SUPERVISOR]


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC or rule.endpoint.split(".")[0] in TOKEN_AUTH:
            continue
        args = {name: 999_999 for name in rule.arguments}
        with app.test_request_context():
            url = url_for(rule.endpoint, **args)
        method = "POST" if "POST" in rule.methods and "GET" not in rule.methods else "GET"
        yield rule.endpoint, method, url


def test_every_route_belongs_to_a_known_area(app):
    """ASVS V4.1.3: no route escapes the role x route matrix."""
    for endpoint, _method, _url in _routes(app):
        assert endpoint in ANY_SIGNED_IN or endpoint.split(".")[0] in ALLOWED, endpoint


def test_anonymous_users_are_sent_to_login_everywhere(app, client):
    """ASVS V4.1.1: every route enforces sign-in on the server."""
    for endpoint, method, url in _routes(app):
        if method == "POST":
            response = client.post(url)
            assert response.status_code in (302, 400), endpoint  # login redirect or CSRF
        else:
            response = client.get(url)
            assert response.status_code == 302, endpoint
            assert "/login" in response.headers["Location"], endpoint


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value)
def test_each_role_reaches_only_its_own_pages(app, make_client, role):
    """ASVS V4.1.3: each role reaches only its own pages (role x route matrix)."""
    person("who", role)
    web = make_client()
    web.login("who")
    for endpoint, method, url in _routes(app):
        if endpoint in ANY_SIGNED_IN:
            continue
        allowed = role in ALLOWED[endpoint.split(".")[0]]
        response = web.post(url) if method == "POST" else web.get(url)
        if allowed:
            # The role passed; ids in the URL do not exist, required arguments are missing.
            assert response.status_code in (200, 302, 400, 404), (endpoint, response.status_code)
        else:
            assert response.status_code == 403, (role, endpoint, response.status_code)
            assert "没有权限" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "role, visible, hidden",
    [
        (Role.STAFF, ["我的考试", "我的考核档案"], ["阅卷", "试卷管理", "用户管理"]),
        (Role.REVIEWER, ["阅卷"], ["我的考试", "试卷管理", "用户管理"]),
        (Role.LEAD, ["试卷管理", "题库", "成绩汇总"], ["我的考试", "用户管理"]),
        (Role.ADMIN, ["用户管理"], ["我的考试", "阅卷", "试卷管理"]),
        (Role.HR, ["统计报表", "服务质量汇总"], ["我的考试", "阅卷", "试卷管理", "用户管理"]),
        (
            Role.SUPERVISOR,
            ["服务质量记录", "记录申诉", "定性评价"],
            ["我的考试", "阅卷", "试卷管理", "用户管理", "服务质量汇总"],
        ),
    ],
    ids=lambda v: v.value if isinstance(v, Role) else None,
)
def test_each_role_sees_only_its_own_menu(make_client, app, role, visible, hidden):
    person("who", role)
    web = make_client()
    web.login("who")
    nav = web.get("/", follow_redirects=True).get_data(as_text=True).split("</nav>")[0]
    for label in visible:
        assert f">{label}</a>" in nav
    for label in hidden:
        assert f">{label}</a>" not in nav


def test_wrong_password_is_refused_in_chinese(app, client):
    person("someone", Role.STAFF)
    client.get("/login")
    response = client.post("/login", {"username": "someone", "password": "wrong-password"})
    assert response.status_code == 200 and "用户名或密码错误" in response.get_data(as_text=True)
    assert client.get("/exams/").status_code == 302


def test_login_does_not_follow_an_outside_next_link(app, client):
    """ASVS V5.1.5: sign-in redirects only to local paths."""
    person("someone", Role.STAFF)
    client.get("/login")
    response = client.post(
        "/login?next=https://evil.example/", {"username": "someone", "password": "correct-horse-42"}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/exams/"


def test_the_menu_marks_the_page_the_user_is_on(app, make_client):
    person("who", Role.LEAD)
    web = make_client()
    web.login("who")
    nav = web.get("/papers/results").get_data(as_text=True).split("</nav>")[0]
    assert nav.count('aria-current="page"') == 1
    assert 'aria-current="page">成绩汇总</a>' in nav
    nav = web.get("/papers/new").get_data(as_text=True).split("</nav>")[0]
    assert 'aria-current="page">试卷管理</a>' in nav
