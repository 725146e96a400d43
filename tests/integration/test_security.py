"""Security: CSRF on every POST, XSS rendered harmless, IDOR, sign-in throttling and
sessions, cookies, headers, results hidden before release. Routes come from the URL map."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import url_for
from sqlalchemy import create_engine, select

from exam_app.extensions import db
from exam_app.models import Attempt, AttemptEvent, Question, Role
from exam_app.models.base import utcnow
from exam_app.models.sign_in import LoginFailure
from exam_app.services.attempts import start_attempt, submit
from exam_app.services.papers import add_fixed_section, create_paper, publish
from exam_app.services.reviews import record_review
from tests.factories import loop_paper, person
from tests.helpers import PASSWORD, WebClient
from tests.integration.test_access import ALLOWED
from tests.marking_fixtures import KEY_POINT, RUBRIC, marking_paper, marks, sit

PAYLOAD = (
    '<script>alert("xss1")</script><img src=x onerror=alert("xss2")>'
    '<a href="javascript:alert(3)">点我</a> [链接](javascript:alert(4)) <svg onload=alert(5)>'
)


def _post_routes(app):
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        with app.test_request_context():
            url = url_for(rule.endpoint, **{name: 1 for name in rule.arguments})
        yield rule.endpoint, url


def _role_for(endpoint: str) -> Role | None:
    roles = ALLOWED.get(endpoint.split(".")[0])
    return sorted(roles)[0] if roles else None


# --- CSRF ---------------------------------------------------------------------------


def test_every_post_route_refuses_a_request_without_csrf_token(app, make_client):
    """ASVS V4.2.2: every POST route refuses a request without a CSRF token."""
    checked = 0
    for role in {r for roles in ALLOWED.values() for r in roles}:
        person(f"u-{role.value}", role)
    for endpoint, url in _post_routes(app):
        web = make_client()
        if endpoint != "auth.login":
            role = _role_for(endpoint) or Role.STAFF  # auth.logout: anyone signed in
            web.login(f"u-{role.value}")
        form = web.http.post(url, data={"username": "x", "password": "y"})
        assert form.status_code == 400, (endpoint, form.status_code)
        assert "CSRF" in form.get_data(as_text=True), endpoint
        as_json = web.http.post(url, json={}, headers={"Accept": "application/json"})
        assert as_json.status_code == 400 and "CSRF" in as_json.json["error"], endpoint
        checked += 1
    assert checked >= 30  # the map really was walked


# --- XSS ----------------------------------------------------------------------------


def assert_harmless(body: str, where: str) -> None:
    scripts = re.findall(r"<script\b[^>]*>", body, re.I)
    assert all(re.search(r'src="/static/[\w.]+"', s) for s in scripts), (where, scripts)
    assert not re.search(r"<[a-z][^>]*\son\w+\s*=", body, re.I), where  # event handlers
    assert not re.search(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", body, re.I), where
    assert "<svg onload" not in body.lower() and "<img src=x" not in body.lower(), where


@pytest.fixture
def xss_paper(app):
    """A published paper whose essay stem (a content file's text) carries the payload."""
    lead = person("lead", Role.LEAD)
    question = Question(
        uid="xss-essay", kind="essay", topic="安全测试", points=10, stem="请作答。" + PAYLOAD,
        rubric=RUBRIC, reference_answer="参考" + PAYLOAD, guidance="按要点给分。",
        explanation="解析" + PAYLOAD, checksum="xss", status="reviewed",
    )  # fmt: skip
    db.session.add(question)
    db.session.commit()
    now = utcnow()
    paper = create_paper(title="安全测试卷", quarter="2026Q4", opens_at=now - timedelta(minutes=5),
                         closes_at=now + timedelta(days=1), time_limit_minutes=60, pass_mark="6",
                         created_by=lead)  # fmt: skip
    add_fixed_section(paper, title="一、简答", question_uids=["xss-essay"])
    db.session.commit()
    publish(paper)
    return paper


def test_payloads_in_stem_answer_and_comment_are_rendered_harmless(xss_paper, make_client):
    """ASVS V5.3.3: script payloads in stems, answers and comments are escaped."""
    staff = person("staff", Role.STAFF)
    person("rev", Role.REVIEWER)
    candidate = make_client()
    candidate.login("staff")
    candidate.post(f"/exams/papers/{xss_paper.id}/start")
    attempt = db.session.scalar(select(Attempt).where(Attempt.user_id == staff.id))
    item = attempt.items[0]
    take = candidate.get(f"/exams/attempts/{attempt.id}")
    assert_harmless(take.get_data(as_text=True), "take before answering")
    saved = candidate.post_json(
        f"/exams/attempts/{attempt.id}/answers",
        {"position": item.position, "response": PAYLOAD, "seq": 1},
    )
    assert saved.json["saved"]
    pages = {"take": candidate.get(f"/exams/attempts/{attempt.id}")}
    candidate.post(f"/exams/attempts/{attempt.id}/submit")

    reviewer = make_client()
    reviewer.login("rev")
    pages["review.grade"] = reviewer.get(f"/review/items/{item.id}")
    assert "点我" in pages["review.grade"].get_data(as_text=True)  # the answer is shown
    record_review(db.session.get(type(item), item.id), _user("rev"), marks(7), "评语" + PAYLOAD)
    pages["review.queue"] = reviewer.get("/review/")
    pages["result"] = candidate.get(f"/exams/attempts/{attempt.id}/result/items")
    assert "评语" in pages["result"].get_data(as_text=True)  # released: the comment shows
    pages["records"] = candidate.get("/records/")
    lead = make_client()
    lead.login("lead")
    for url in ("/bank/items/xss-essay", f"/papers/{xss_paper.id}/preview",
                f"/papers/{xss_paper.id}/print?key=1", f"/papers/{xss_paper.id}",
                f"/papers/{xss_paper.id}/monitor", f"/marking/papers/{xss_paper.id}",
                f"/papers/staff/{staff.id}"):  # fmt: skip
        pages[url] = lead.get(url)
    for where, response in pages.items():
        assert response.status_code == 200, (where, response.status_code)
        assert_harmless(response.get_data(as_text=True), where)


def _user(username):
    from exam_app.models import User

    return db.session.scalar(select(User).where(User.username == username))


# --- IDOR ---------------------------------------------------------------------------


def test_every_attempt_route_refuses_another_persons_attempt(app, make_client):
    """ASVS V4.2.1: no attempt route serves another person's attempt (IDOR)."""
    lead = person("lead", Role.LEAD)
    owner = person("owner", Role.STAFF)
    person("other", Role.STAFF)
    attempt = start_attempt(loop_paper(lead), owner)
    before = (attempt.status, len(db.session.scalars(select(AttemptEvent)).all()))
    other = make_client()
    other.login("other")
    checked = []
    for rule in app.url_map.iter_rules():
        if "attempt_id" not in rule.arguments:
            continue
        with app.test_request_context():
            url = url_for(rule.endpoint, attempt_id=attempt.id)
        if "GET" in rule.methods:
            assert other.get(url).status_code == 404, rule.endpoint
        else:
            body = {"position": 1, "response": "偷改", "seq": 99, "flagged": True}
            assert other.post_json(url, body).status_code == 404, rule.endpoint
            assert other.post(url).status_code == 404, rule.endpoint
        checked.append(rule.endpoint)
    assert {"exams.take", "exams.result", "exams.save", "exams.submit"} <= set(checked)
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt.id)
    assert (attempt.status, len(db.session.scalars(select(AttemptEvent)).all())) == before
    assert all(i.response is None for i in attempt.items)


def test_a_staff_file_shows_only_its_owner(app, make_client):
    """ASVS V4.2.1: a staff file is shown to its owner only (IDOR)."""
    lead = person("lead", Role.LEAD)
    owner = person("owner", Role.STAFF)
    person("other", Role.STAFF)
    paper = loop_paper(lead)
    attempt = start_attempt(paper, owner)
    submit(attempt)
    other = make_client()
    other.login("other")
    body = other.get("/records/").get_data(as_text=True)
    assert owner.name not in body and attempt.candidate_code not in body
    assert other.get(f"/papers/staff/{owner.id}").status_code == 403


# --- Results before release -----------------------------------------------------------


def test_a_held_result_shows_no_score_key_or_feedback(app, make_client):
    """ASVS V4.1.3: a result held for review shows no score, key or feedback."""
    lead = person("lead", Role.LEAD)
    staff = person("staff", Role.STAFF)
    reviewer = person("rev", Role.REVIEWER)
    item = sit(marking_paper(lead, release="manual"), staff)
    record_review(item, reviewer, marks(7), "这是一条保密的评语")
    db.session.expire_all()
    attempt = db.session.get(Attempt, item.attempt_id)
    assert attempt.status != "released" and attempt.total is not None  # graded, held
    web = make_client()
    web.login("staff")
    pages = [web.get(f"/exams/attempts/{attempt.id}/result"), web.get("/exams/"),
             web.get("/records/")]  # fmt: skip
    for response in pages:
        body = response.get_data(as_text=True)
        assert response.status_code == 200
        for secret in ("这是一条保密的评语", KEY_POINT, "总分", "得分 7", "补充专项维修资金"):
            assert secret not in body, secret


# --- Sign-in --------------------------------------------------------------------------


def test_sign_in_is_throttled_after_repeated_failures(app, make_client):
    """ASVS V2.2.1: sign-in is throttled after repeated failures."""
    person("victim", Role.STAFF)
    web = make_client()
    for _ in range(5):
        r = web.post("/login", {"username": "victim", "password": "wrong-password"})
        assert "用户名或密码错误" in r.get_data(as_text=True)
    blocked = web.post("/login", {"username": "victim", "password": PASSWORD})
    assert blocked.status_code == 429
    assert re.search(r"请 1[45] 分钟后再试", blocked.get_data(as_text=True))
    assert web.get("/exams/").status_code == 302  # still not signed in
    # Another address is not blocked (state in the database, keyed by username + address).
    elsewhere = make_client()
    r = elsewhere.post("/login", {"username": "victim", "password": PASSWORD},
                       environ_base={"REMOTE_ADDR": "10.0.0.9"})  # fmt: skip
    assert r.status_code == 302
    # Once the failures are older than the window, the right password works again.
    for failure in db.session.scalars(select(LoginFailure)):
        failure.failed_at -= timedelta(minutes=16)
    db.session.commit()
    assert web.post("/login", {"username": "victim", "password": PASSWORD}).status_code == 302


def _session_cookie(web: WebClient) -> str | None:
    cookie = web._client.get_cookie("session")
    return cookie.value if cookie else None


def test_the_session_is_renewed_at_login_and_dead_after_logout(app, make_client):
    """ASVS V3.2.1 / V3.3.1: a new session at sign-in, and sign-out ends it on the server."""
    person("someone", Role.STAFF)
    web = make_client()
    web.get("/login")
    before = _session_cookie(web)
    web.login("someone")
    after = _session_cookie(web)
    assert after and after != before
    assert web.get("/exams/").status_code == 200
    web.post("/logout")
    assert web.get("/exams/").status_code == 302
    # A copy of the signed-in cookie (stolen, or kept by a shared PC) no longer works.
    thief = make_client()
    thief._client.set_cookie("session", after)
    response = thief.get("/exams/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def _session_set_cookie(response) -> str:
    return next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))


def test_cookies_are_httponly_lax_and_secure_over_https(app, make_client):
    """ASVS V3.4.1 / V3.4.2 / V3.4.3: session cookie Secure over HTTPS, HttpOnly, SameSite."""
    person("someone", Role.STAFF)
    web = make_client()
    web.get("/login")
    r = web.post("/login", {"username": "someone", "password": PASSWORD})
    cookie = _session_set_cookie(r)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    https = make_client()
    https.http.get("/login", base_url="https://localhost")
    r = https._client.post("/login", base_url="https://localhost",
                           data={"username": "x", "password": "y"})  # fmt: skip
    assert "Secure" in _session_set_cookie(r)
    app.config["SESSION_COOKIE_SECURE"] = True
    assert "Secure" in _session_set_cookie(make_client().get("/login"))


def test_security_headers_and_csp_allow_only_self(app, client):
    """ASVS V14.4.3 / V14.4.4 / V14.4.6 / V14.4.7: CSP, nosniff, Referrer-Policy, frame-ancestors."""
    for url in ("/login", "/healthz", "/static/app.css", "/no-such-page"):
        headers = client.get(url).headers
        assert headers["X-Content-Type-Options"] == "nosniff", url
        assert headers["X-Frame-Options"] == "DENY", url
        csp = headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, url
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, url


def test_templates_hold_no_inline_script_or_style_the_csp_would_block(app):
    """ASVS V14.4.3: no inline script or style, so the CSP needs no 'unsafe-inline'."""
    from pathlib import Path

    root = Path(app.root_path) / "templates"
    for path in root.rglob("*.html"):
        text = path.read_text()
        assert not re.search(r"\son(click|change|submit|load|input)\s*=", text), path
        assert not re.search(r"\sstyle\s*=", text), path
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), path  # inline <script>


# --- Operations -----------------------------------------------------------------------


def test_healthz_answers_without_sign_in_and_checks_the_database(app, client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json == {"status": "ok", "database": "ok"}
    assert r.headers["X-Request-ID"]
    # The same app with its database gone (a file in a missing folder / a dropped database).
    url = db.engine.url
    gone = url.set(
        database="/nonexistent/exam.db" if url.get_backend_name() == "sqlite" else "gone"
    )
    saved, db.engines[None] = db.engines[None], create_engine(gone)
    try:
        r = client.get("/healthz")
    finally:
        db.engines[None].dispose()
        db.engines[None] = saved
    assert r.status_code == 503 and r.json == {"status": "error", "database": "unreachable"}


def test_the_renewed_session_carries_its_form_token_so_the_first_page_sets_no_cookie(
    app, make_client
):
    """At the rush every candidate opens 「我的考试」 right after signing in: the cookie made at
    sign-in already holds the CSRF token, so that page does not sign a new one."""
    person("first", Role.STAFF)
    web = make_client()
    signed_in = web.post("/login", {"username": "first", "password": PASSWORD})
    assert signed_in.status_code == 302
    page = web.http.get("/exams/")  # the first page after signing in
    assert page.status_code == 200
    assert not [c for c in page.headers.getlist("Set-Cookie") if c.startswith("session=")]
    # And the token on that page is good for a form post (signing out).
    token = re.search(r'name="csrf-token" content="([^"]+)"', page.get_data(as_text=True))[1]
    signed_out = web.http.post("/logout", data={"csrf_token": token})
    assert signed_out.status_code == 302 and "/login" in signed_out.headers["Location"]
