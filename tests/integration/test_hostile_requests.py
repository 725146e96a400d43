"""Requests a browser would never send, and what must not leak or break because of them
(issue #14): absurd ids, oversized bodies, cached private pages, 405s and unknown API paths,
answers shown as typed, session tokens at rest; and the monitor's answered count (#13)."""

from __future__ import annotations

import hashlib
import json
import re

import pytest
from flask import url_for
from sqlalchemy import select

from exam_app.extensions import db
from exam_app.models import Attempt, AttemptItem, Role
from exam_app.models.base import utcnow
from exam_app.models.sign_in import LoginSession
from exam_app.services.api_tokens import create_token
from exam_app.services.attempts import start_attempt
from exam_app.services.autosave import save_answer
from exam_app.services.reviews import record_review
from tests.factories import key_response, loop_paper, person
from tests.marking_fixtures import marking_paper, marks, sit

MAX_ID = 2**31 - 1  # the largest id an INTEGER column holds on PostgreSQL
EVERY_ROLE = (Role.STAFF, Role.REVIEWER, Role.LEAD, Role.ADMIN, Role.HR)


def _int_routes(app):
    """Every rule with an `<int:...>` part, as (endpoint, methods, int names, other names)."""
    for rule in app.url_map.iter_rules():
        ints = [name for name, conv in rule._converters.items() if conv.regex == r"\d+"]
        if ints:
            others = [name for name in rule.arguments if name not in ints]
            yield rule.endpoint, rule.methods, ints, others


def _url(app, endpoint: str, ints: list[str], others: list[str], value: int) -> str:
    with app.test_request_context():
        return url_for(endpoint, **dict.fromkeys(ints, value), **dict.fromkeys(others, "xlsx"))


# --- Ids beyond the database's range ------------------------------------------------------


@pytest.mark.parametrize("absurd", [MAX_ID + 1, 2**63, 2**64, 10**30])
def test_an_id_beyond_the_database_range_answers_404_on_every_route(app, make_client, absurd):
    """ASVS V5.1.4: ids are validated against their type (the database's INTEGER) before
    use, so an absurd one is a missing page (404), never an overflow in the database
    driver (500: SQLite beyond 2**63, PostgreSQL beyond 2**31)."""
    person("boss", *EVERY_ROLE)
    web = make_client()
    web.login("boss")
    checked = set()
    for endpoint, methods, ints, others in _int_routes(app):
        url = _url(app, endpoint, ints, others, absurd)
        if "GET" in methods:
            assert web.get(url).status_code == 404, (endpoint, url)
        else:
            assert web.post(url).status_code == 404, (endpoint, url)
            assert web.post_json(url, {"position": 1, "seq": 1}).status_code == 404, endpoint
        checked.add(endpoint)
    assert {"exams.take", "exams.start", "exams.result", "exams.save", "review.grade",
            "marking.paper", "papers.staff_file", "appeals.decide"} <= checked  # fmt: skip


def test_the_largest_id_the_database_holds_still_reaches_the_view(app, make_client):
    """ASVS V5.1.4: the ceiling is the database's, not lower: 2**31 - 1 is a well-formed id
    that names nothing (404 from the view, no error on either database)."""
    person("boss", *EVERY_ROLE)
    web = make_client()
    web.login("boss")
    for endpoint, methods, ints, others in _int_routes(app):
        if "GET" in methods:
            url = _url(app, endpoint, ints, others, MAX_ID)
            assert web.get(url).status_code == 404, (endpoint, url)


# --- Request size -------------------------------------------------------------------------


@pytest.fixture
def sitting(app):
    """An attempt in progress for the staff member "staff"."""
    lead = person("lead", Role.LEAD)
    staff = person("staff", Role.STAFF)
    return start_attempt(loop_paper(lead), staff)


def test_oversized_autosave_flag_and_left_page_bodies_are_refused(app, make_client, sitting):
    """ASVS V12.1.1: the JSON endpoints a page calls all the time take small bodies
    only; a huge one is refused with a JSON 413 in Chinese and changes nothing."""
    assert app.config["SMALL_REQUEST_LENGTH"] == 64 * 1024
    web = make_client()
    web.login("staff")
    item = next(i for i in sitting.items if i.kind == "essay")
    base = f"/exams/attempts/{sitting.id}"
    huge = "长" * 70_000
    for path, body in (
        ("/answers", {"position": item.position, "response": huge, "seq": 1}),
        ("/flags", {"position": item.position, "flagged": True, "padding": huge}),
        ("/left-page", {"padding": huge}),
    ):
        response = web.post_json(base + path, body)
        assert response.status_code == 413, (path, response.status_code)
        assert response.json["ok"] is False and "过大" in response.json["error"], path
    db.session.expire_all()
    assert db.session.get(AttemptItem, item.id).response is None
    # The longest answer the page allows (textarea maxlength 20000) still saves, sent as a
    # browser's JSON.stringify sends it: UTF-8, 3 bytes a character, about 60 KB.
    longest = {"position": item.position, "response": "答" * 20_000, "seq": 2}
    saved = web.http.post(
        base + "/answers",
        data=json.dumps(longest, ensure_ascii=False).encode(),
        headers={"X-CSRFToken": web.token(), "Accept": "application/json",
                 "Content-Type": "application/json"},
    )  # fmt: skip
    assert saved.status_code == 200 and saved.json["saved"]


def test_an_oversized_sign_in_form_and_upload_get_a_chinese_413_page(app, make_client):
    """ASVS V12.1.1: the sign-in form takes a small body, uploads up to MAX_CONTENT_LENGTH
    (16 MB by default); beyond that a Chinese error page answers 413."""
    assert app.config["MAX_CONTENT_LENGTH"] == 16 * 1024 * 1024
    person("lead", Role.LEAD)
    web = make_client()
    response = web.post("/login", {"username": "x", "password": "y" * 70_000})
    assert response.status_code == 413
    assert "提交的内容过大" in response.get_data(as_text=True)
    web.login("lead")
    app.config["MAX_CONTENT_LENGTH"] = 100 * 1024
    response = web.post("/bank/import", {"note": "x" * 200 * 1024})
    assert response.status_code == 413 and response.mimetype == "text/html"
    assert "提交的内容过大" in response.get_data(as_text=True)


# --- Caching ------------------------------------------------------------------------------


def test_pages_for_signed_in_people_are_never_cached(app, make_client):
    """ASVS V8.2.1: attempts, results, marking pages and staff files carry
    Cache-Control: no-store; static files may still be cached."""
    lead = person("lead", Role.LEAD)
    staff = person("staff", Role.STAFF)
    reviewer = person("rev", Role.REVIEWER)
    paper = marking_paper(lead)
    item = sit(paper, staff)
    record_review(item, reviewer, marks(7), "评语")
    candidate, leader = make_client(), make_client()
    candidate.login("staff")
    leader.login("lead")
    pages = {
        "take": (candidate, f"/exams/attempts/{item.attempt_id}"),
        "result": (candidate, f"/exams/attempts/{item.attempt_id}/result"),
        "records": (candidate, "/records/"),
        "exams": (candidate, "/exams/"),
        "marking": (leader, f"/marking/papers/{paper.id}"),
        "staff file": (leader, f"/papers/staff/{staff.id}"),
        "bank": (leader, "/bank/"),
        "anonymous under /exams": (make_client(), "/exams/"),
        "anonymous under /api": (make_client(), "/api/v1/papers"),
    }
    for where, (web, url) in pages.items():
        response = web.get(url)
        assert response.status_code in (200, 302, 401), (where, response.status_code)
        assert response.headers.get("Cache-Control") == "no-store", where
    assert "no-store" not in candidate.get("/static/app.css").headers.get("Cache-Control", "")


# --- 405 and the API's unknown paths ------------------------------------------------------


def test_a_405_names_the_allowed_methods(app, make_client):
    """ASVS V14.5.1: a method the route does not take is refused with 405 and an Allow
    header, as a page or as JSON."""
    person("staff", Role.STAFF)
    web = make_client()
    web.login("staff")
    page = web.get("/logout")
    assert page.status_code == 405 and "POST" in page.headers["Allow"]
    assert "不支持此操作" in page.get_data(as_text=True)
    as_json = web.http.get("/logout", headers={"Accept": "application/json"})
    assert as_json.status_code == 405 and "POST" in as_json.headers["Allow"]
    assert as_json.json == {"ok": False, "error": "不支持此操作。"}


def test_unknown_api_paths_answer_json_401_before_404(app, client):
    """ASVS V13.1.4 / V13.2.1: under /api/v1 every answer is JSON, and without a valid token
    it is 401 whatever the path, so unknown paths reveal nothing before authentication."""
    _token, plain = create_token("HR 薪酬系统", person("admin", Role.ADMIN), utcnow())
    bearer = {"Authorization": f"Bearer {plain}"}
    for url in ("/api/v1/nothing-here", "/api/v1/staff/T1/extra", "/api/v1"):
        anonymous = client.get(url)
        assert anonymous.status_code == 401 and anonymous.is_json, url
        assert anonymous.headers["WWW-Authenticate"].startswith("Bearer"), url
        assert client.get(url, headers={"Authorization": "Bearer wrong"}).status_code == 401
        known = client.get(url, headers=bearer)
        assert known.status_code == 404 and known.is_json and known.json["error"], url
        assert known.headers["Cache-Control"] == "no-store", url
    assert client.http.post("/api/v1/papers").status_code == 401
    wrong_method = client.http.post("/api/v1/papers", headers=bearer)
    assert wrong_method.status_code == 405 and wrong_method.is_json
    assert "GET" in wrong_method.headers["Allow"]


# --- Answers as typed ---------------------------------------------------------------------

TYPED = "a < b <b>x</b>\n第二行 [链接](http://example.com) *星号*"
ESCAPED = "a &lt; b &lt;b&gt;x&lt;/b&gt;<br>\n第二行 [链接](http://example.com) *星号*"


def test_reviewers_and_candidates_see_an_answer_exactly_as_typed(app, make_client):
    """ASVS V5.3.1: a typed answer is output-encoded for HTML (escaped, line breaks kept),
    not rendered as Markdown and sanitised, which dropped `<b>x</b>` and links."""
    lead = person("lead", Role.LEAD)
    staff = person("staff", Role.STAFF)
    reviewer = person("rev", Role.REVIEWER)
    item = sit(marking_paper(lead), staff, answer=TYPED)
    web = make_client()
    web.login("rev")
    body = web.get(f"/review/items/{item.id}").get_data(as_text=True)
    assert ESCAPED in body
    assert "<b>x</b>" not in body and 'href="http://example.com"' not in body
    record_review(item, reviewer, marks(7), "评语第一行\n<i>第二行</i>")
    candidate = make_client()
    candidate.login("staff")
    result = candidate.get(f"/exams/attempts/{item.attempt_id}/result/items").get_data(as_text=True)
    assert ESCAPED in result and "评语第一行<br>\n&lt;i&gt;第二行&lt;/i&gt;" in result


# --- Session tokens at rest ---------------------------------------------------------------


def test_session_tokens_are_stored_only_as_their_sha256(app, make_client):
    """ASVS V2.4.1 (closest; no requirement names session tokens at rest): the database keeps only a
    digest of each sign-in token, so a leaked table or backup signs no one in."""
    person("someone", Role.STAFF)
    web = make_client()
    web.login("someone")
    with web.http.session_transaction() as session:
        raw = session["login_token"]
    stored = db.session.scalars(select(LoginSession.token)).all()
    assert raw not in stored
    assert hashlib.sha256(raw.encode()).hexdigest() in stored
    assert web.get("/exams/").status_code == 200
    # A row holding the plain token (as before hashing) no longer matches the cookie.
    row = db.session.scalar(select(LoginSession))
    row.token = raw
    db.session.commit()
    assert web.get("/exams/").status_code == 302


# --- The monitor's answered count (#13) ---------------------------------------------------


def test_the_monitor_shows_how_many_items_each_candidate_answered(app, make_client):
    """Issue #13 (no ASVS requirement): the 已答 column shows answered / total items, not the
    repr of a dict method."""
    lead = person("lead", Role.LEAD)
    staff = person("staff", Role.STAFF)
    paper = loop_paper(lead)
    attempt = start_attempt(paper, staff)
    for item in [i for i in attempt.items if i.kind != "essay"][:2]:
        save_answer(attempt, item.position, key_response(item.snapshot), item.position)
    total = len(db.session.get(Attempt, attempt.id).items)
    web = make_client()
    web.login("lead")
    body = web.get(f"/papers/{paper.id}/monitor").get_data(as_text=True)
    assert "built-in method" not in body
    assert re.search(rf"<td>\s*2 / {total}\s*</td>", body), body
