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
