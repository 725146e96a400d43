"""Templates' `csrf_token()` (exam_app/web/csrf_memo.py): a session's form token is signed
once per worker and then reused; it still posts, it is never another session's, and with a
time limit on tokens every page signs afresh."""

from __future__ import annotations

import pytest
from flask_wtf import csrf as flask_wtf_csrf

from exam_app.extensions import db
from tests.factories import person


@pytest.fixture
def signings(monkeypatch) -> list[str]:
    """Every token flask-wtf signs (its serializer's dumps), counted."""
    signed: list[str] = []
    real = flask_wtf_csrf.URLSafeTimedSerializer

    class Counting(real):
        def dumps(self, obj, salt=None):
            signed.append(obj)
            return super().dumps(obj, salt)

    monkeypatch.setattr(flask_wtf_csrf, "URLSafeTimedSerializer", Counting)
    return signed


def _signed_in(make_client, username: str):
    person(username)
    db.session.commit()
    web = make_client()
    web.login(username)
    return web


def test_a_sessions_token_is_signed_once_then_reused_and_still_posts(make_client, signings):
    web = _signed_in(make_client, "memo1")
    first = web.token()
    before = len(signings)
    for _ in range(3):
        assert web.get("/exams/").status_code == 200
        assert web.token() == first
    assert len(signings) == before  # the pages above signed nothing
    r = web.post("/logout")  # a state change with the kept token: accepted
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_each_session_has_its_own_token_and_another_ones_is_refused(make_client, signings):
    a, b = _signed_in(make_client, "memo-a"), _signed_in(make_client, "memo-b")
    a.get("/exams/")
    b.get("/exams/")
    assert a.token() != b.token()
    refused = b.http.post("/logout", data={"csrf_token": a.token()})
    assert refused.status_code == 400
    assert b.get("/exams/").status_code == 200  # b is still signed in


def test_with_a_time_limit_every_page_signs_afresh(app, make_client, signings):
    app.config["WTF_CSRF_TIME_LIMIT"] = 3600
    web = _signed_in(make_client, "memo2")
    before = len(signings)
    web.get("/exams/")
    web.get("/exams/")
    assert len(signings) == before + 2


@pytest.fixture
def checks(monkeypatch) -> list[str]:
    """Every token flask-wtf unsigns to check a POST (its serializer's loads), counted."""
    checked: list[str] = []
    real = flask_wtf_csrf.URLSafeTimedSerializer

    class Counting(real):
        def loads(self, s, *args, **kwargs):
            checked.append(s)
            return super().loads(s, *args, **kwargs)

    monkeypatch.setattr(flask_wtf_csrf, "URLSafeTimedSerializer", Counting)
    return checked


def _sign_out(web):
    """Signing out: a state change every person may make, sent as a form with the token."""
    return web.http.post("/logout", data={"csrf_token": web.token()})


def test_a_token_signed_by_this_worker_is_accepted_without_unsigning(make_client, checks):
    web = _signed_in(make_client, "check0")
    web.get("/exams/")
    r = web.http.post("/exams/papers/999999/start", headers={"X-CSRFToken": web.token()})
    assert r.status_code == 404  # past the CSRF check: the paper does not exist
    assert checks.count(web.token()) == 0
    forged = web.token()[:-2] + ("xx" if not web.token().endswith("xx") else "yy")
    r = web.http.post("/exams/papers/999999/start", headers={"X-CSRFToken": forged})
    assert r.status_code == 400 and checks.count(forged) == 1  # anything else: flask-wtf's


def test_a_posted_token_is_unsigned_once_then_accepted_as_kept(app, make_client, checks):
    web = _signed_in(make_client, "check1")
    web.get("/exams/")
    app.extensions["csrf_memo"].clear()  # as if another worker had signed the page's token
    headers = {"X-CSRFToken": web.token()}
    # The same token in a header (as the exam page's saves send it): checked once.
    for _ in range(3):
        r = web.http.post("/exams/papers/999999/start", headers=headers)
        assert r.status_code == 404  # past the CSRF check: the paper does not exist
    assert checks.count(web.token()) == 1
    assert _sign_out(web).status_code == 302  # in a form field: the same pair, accepted


def test_a_kept_token_is_only_its_own_sessions(make_client, checks):
    a, b = _signed_in(make_client, "check-a"), _signed_in(make_client, "check-b")
    a.get("/exams/")
    b.get("/exams/")
    assert (
        a.http.post("/exams/papers/999999/start", headers={"X-CSRFToken": a.token()}).status_code
        == 404
    )
    # a's token, accepted for a, is refused with b's session; a forged one too.
    for token in (a.token(), a.token()[:-2] + "xx", ""):
        r = b.http.post("/exams/papers/999999/start", headers={"X-CSRFToken": token})
        assert r.status_code == 400 and "CSRF" in r.get_data(as_text=True), token
    # Signed out, the session's raw value is gone: a's old token opens nothing.
    assert _sign_out(a).status_code == 302
    r = a.http.post("/exams/papers/999999/start", headers={"X-CSRFToken": a.token()})
    assert r.status_code == 400


@pytest.mark.parametrize("signed", ["here", "by another worker"])
def test_over_https_a_kept_token_still_needs_the_sites_referrer(app, make_client, checks, signed):
    web = _signed_in(make_client, "check-tls")
    web.get("/exams/")
    token = web.token()
    if signed != "here":
        app.extensions["csrf_memo"].clear()
    unsigned = 0 if signed == "here" else 1
    url = "/exams/papers/999999/start"
    same = {"X-CSRFToken": token, "Referer": "https://localhost/exams/"}
    assert web.http.post(url, headers=same, base_url="https://localhost").status_code == 404
    assert checks.count(token) == unsigned
    for referrer in (None, "https://evil.example/exams/"):
        headers = {"X-CSRFToken": token} | ({"Referer": referrer} if referrer else {})
        r = web.http.post(url, headers=headers, base_url="https://localhost")
        assert r.status_code == 400, referrer
    assert web.http.post(url, headers=same, base_url="https://localhost").status_code == 404
    assert checks.count(token) == unsigned  # the referrer checked each time, the token once


def test_with_a_time_limit_every_post_is_unsigned(app, make_client, checks):
    app.config["WTF_CSRF_TIME_LIMIT"] = 3600
    web = _signed_in(make_client, "check-limit")
    web.get("/exams/")
    for _ in range(2):
        web.http.post("/exams/papers/999999/start", headers={"X-CSRFToken": web.token()})
    assert checks.count(web.token()) == 2
