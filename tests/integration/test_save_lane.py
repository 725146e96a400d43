"""Autosave's lane (web/save_lane.py): a save sent exactly as one already let through skips
unsigning its cookie and checking its form token again, and nothing else: what the
database says of the session, the account and the role, the idle sign-in, the body's size
and the answer the page gets stay as the whole way has them."""

from __future__ import annotations

import time

import pytest
from flask_wtf.csrf import CSRFProtect
from itsdangerous import URLSafeTimedSerializer
from itsdangerous.timed import TimestampSigner
from sqlalchemy import delete

from exam_app.extensions import db
from exam_app.models import Role, User
from exam_app.models.people import UserRole
from exam_app.web import session_timeout
from tests.integration import test_save_checks_session as saves
from tests.integration.test_save_checks_session import (
    _asked_to_sign_in,
    _close_sessions,
    _disable,
    _save,
    _stored,
)

sitting = saves.sitting  # a candidate signed in, an attempt open, one answer saved


@pytest.fixture
def checks(monkeypatch):
    """How many times a request unsigned a session cookie and looked for its form token."""
    counted = {"unsigned": 0, "token sought": 0}
    unsign, seek = URLSafeTimedSerializer.loads, CSRFProtect._get_csrf_token

    def unsigning(serializer, *args, **kwargs):
        if serializer.salt == b"cookie-session":  # Flask's session, not flask-wtf's token
            counted["unsigned"] += 1
        return unsign(serializer, *args, **kwargs)

    def seeking(*args, **kwargs):
        counted["token sought"] += 1
        return seek(*args, **kwargs)

    monkeypatch.setattr(URLSafeTimedSerializer, "loads", unsigning)
    monkeypatch.setattr(CSRFProtect, "_get_csrf_token", seeking)

    def since(before: dict | None = None) -> dict:
        return {k: v - (before or {}).get(k, 0) for k, v in counted.items()}

    return since


def _lane(app):
    return app.extensions["save_lane"]


def test_a_save_sent_again_as_before_is_neither_unsigned_nor_its_token_sought(sitting, checks):
    """The sitting's first save went the whole way and admitted its page; the next ones
    are stored with no cookie unsigned and no token looked for."""
    web, _user, attempt, item = sitting
    before = checks()
    for seq in (2, 3):
        saved = _save(web, attempt, item, seq=seq, response="")
        assert saved.status_code == 200 and saved.json["saved"], saved.json
    assert checks(before) == {"unsigned": 0, "token sought": 0}
    assert _stored(item)[0] == 3


def test_the_lane_answers_as_the_whole_way_does(app, sitting, checks):
    web, _user, attempt, item = sitting
    by_lane = _save(web, attempt, item, seq=2)
    _lane(app).admitted.clear()
    before = checks()
    whole = _save(web, attempt, item, seq=3)
    assert checks(before)["unsigned"] == 1  # this one went the whole way

    def shown(response):
        headers = {k: v for k, v in response.headers.items() if k != "X-Request-ID"}
        body = {k: v for k, v in response.json.items() if k not in ("seq", "saved_at")}
        return response.status_code, headers, body

    assert shown(by_lane) == shown(whole)
    assert by_lane.headers["Cache-Control"] == "no-store"
    assert "default-src 'self'" in by_lane.headers["Content-Security-Policy"]
    assert by_lane.headers["X-Request-ID"] != whole.headers["X-Request-ID"]


def test_another_token_or_browser_goes_the_whole_way(sitting, checks):
    """A forged token is refused as before and stores nothing; a save from another browser
    (another User-Agent, the same cookie) is checked the whole way."""
    web, _user, attempt, item = sitting
    before = checks()
    web._token = "forged"
    refused = _save(web, attempt, item, seq=2, response="")
    assert refused.status_code == 400 and checks(before)["unsigned"] == 1
    assert _stored(item)[0] == 1
    web._token = None
    web.get("/exams/")
    before = checks()
    other = web.http.post(
        f"/exams/attempts/{attempt.id}/answers",
        json={"position": item.position, "seq": 3, "response": ""},
        headers={
            "X-CSRFToken": web.token(),
            "Accept": "application/json",
            "User-Agent": "another browser",
        },  # fmt: skip
    )
    assert other.status_code == 200 and checks(before)["unsigned"] == 1


def _without_staff(user):
    db.session.execute(delete(UserRole).where(UserRole.user_id == user.id))
    db.session.add(UserRole(user_id=user.id, role=Role.REVIEWER.value))


def _one_time_password(user):
    db.session.get(User, user.id).must_change_password = True


@pytest.mark.parametrize(
    "change, answer",
    [
        (_close_sessions, "sign in"),
        (_disable, "sign in"),
        (_without_staff, "没有权限"),
        (_one_time_password, "修改"),
    ],
    ids=["signed-out", "disabled", "role-lost", "one-time-password"],
)
def test_what_the_database_says_holds_in_the_lane(sitting, checks, change, answer):
    """Admitted or not, a closed session, a disabled account, a lost role and a one-time
    password store nothing and are answered as the whole way answers them."""
    web, user, attempt, item = sitting
    change(user)
    db.session.commit()
    before = checks()
    refused = _save(web, attempt, item, seq=2, response="")
    assert checks(before)["unsigned"] == 0  # by the lane
    if answer == "sign in":
        assert _asked_to_sign_in(refused)
    else:
        assert refused.status_code == 403 and answer in refused.json["error"], refused.json
    assert _stored(item)[0] == 1


def test_a_huge_body_is_refused_in_the_lane_too(sitting, checks):
    web, _user, attempt, item = sitting
    before = checks()
    refused = _save(web, attempt, item, seq=2, response="答" * 40_000)  # ~120 KB as JSON
    assert refused.status_code == 413 and checks(before)["unsigned"] == 0
    assert _stored(item)[0] == 1


def test_the_save_that_renews_the_seen_stamp_goes_the_whole_way(app, sitting, checks, monkeypatch):
    """Once the session's "last seen" stamp is SESSION_SEEN_EVERY old, the next save goes
    the whole way, which renews it in a new cookie; the next one, with the new cookie, goes
    the whole way too and admits it."""
    web, _user, attempt, item = sitting
    now = [int(time.time())]
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: now[0])
    monkeypatch.setattr(session_timeout, "now", lambda: now[0])
    now[0] += app.config["SESSION_SEEN_EVERY"]
    before = checks()
    renewed = _save(web, attempt, item, seq=2, response="")
    assert renewed.status_code == 200 and checks(before)["unsigned"] == 1
    assert any(c.startswith("session=") for c in renewed.headers.getlist("Set-Cookie"))
    before = checks()
    assert _save(web, attempt, item, seq=3, response="").status_code == 200
    assert checks(before)["unsigned"] == 1
    before = checks()
    again = _save(web, attempt, item, seq=4, response="")
    assert again.status_code == 200 and checks(before) == {"unsigned": 0, "token sought": 0}
    assert _stored(item)[0] == 4


def test_nothing_is_admitted_when_form_tokens_expire(app, sitting, checks):
    """With WTF_CSRF_TIME_LIMIT set a token's age matters, so every save is checked."""
    web, _user, attempt, item = sitting
    _lane(app).admitted.clear()
    app.config["WTF_CSRF_TIME_LIMIT"] = 3600
    try:
        before = checks()
        for seq in (2, 3):
            assert _save(web, attempt, item, seq=seq, response="").status_code == 200
        assert checks(before)["unsigned"] == 2
    finally:
        app.config["WTF_CSRF_TIME_LIMIT"] = None


def test_admissions_past_their_stamp_are_dropped_when_a_later_one_is_made(
    app, sitting, monkeypatch
):
    """A renewal signs a new cookie, so a page's admissions under the old one are never
    matched again; the worker that served the renewal drops its own, but another worker
    keeps its copy. That copy is dropped by the next admission's sweep (not kept until the
    lane is full): a worker keeps about one admission per page, not one per renewal."""
    web, _user, attempt, item = sitting
    lane = _lane(app)
    now = [int(time.time())]
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: now[0])
    monkeypatch.setattr(session_timeout, "now", lambda: now[0])
    lane.admitted.clear()
    assert _save(web, attempt, item, seq=2, response="").status_code == 200
    elsewhere = dict(lane.admitted)  # this worker's admission of the page's old cookie
    (old_key,) = elsewhere
    now[0] += app.config["SESSION_SEEN_EVERY"]
    lane.admitted.clear()  # the renewal is served by the other worker
    renewed = _save(web, attempt, item, seq=3, response="")
    assert any(c.startswith("session=") for c in renewed.headers.getlist("Set-Cookie"))
    lane.admitted.update(elsewhere)
    now[0] += 1
    assert _save(web, attempt, item, seq=4, response="").status_code == 200  # the new cookie
    assert len(lane.admitted) == 1 and old_key not in lane.admitted
    before = dict(lane.admitted)
    assert _save(web, attempt, item, seq=5, response="").status_code == 200  # in the lane
    assert lane.admitted == before and _stored(item)[0] == 5
