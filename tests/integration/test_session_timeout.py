"""How long a sign-in lasts (ASVS V3.3.2 at L2: 12 hours, or 30 minutes without use), and
that the idle check costs no database write and no new cookie per request.

The clock is moved, not waited for: the cookie's signature time (itsdangerous) and the
"last seen" stamp read the same made-up clock; the sign-in row's age is set in the database.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from itsdangerous.timed import TimestampSigner
from sqlalchemy import event, func, select, update

from exam_app.extensions import db
from exam_app.models import Role
from exam_app.models.base import utcnow
from exam_app.models.sign_in import LoginSession
from exam_app.web import session_timeout
from tests.factories import person


@pytest.fixture
def clock(monkeypatch):
    """Seconds since the epoch as the app sees them for cookies; move with clock[0] += s."""
    now = [int(time.time())]
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: now[0])
    monkeypatch.setattr(session_timeout, "now", lambda: now[0])
    return now


def _signed_in(make_client, username: str):
    person(username, Role.STAFF)
    web = make_client()
    web.login(username)
    return web


def _signed_out(response) -> bool:
    return response.status_code == 302 and "/login" in response.headers["Location"]


def _session_cookies(response) -> list[str]:
    return [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]


def _open_sessions() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(LoginSession.id)))


def test_a_sign_in_unused_for_30_minutes_ends(app, make_client, clock):
    """ASVS V3.3.2: after 30 minutes without a request the next one is signed out; a
    request at 29 minutes still finds the person (and renews the stamp)."""
    web = _signed_in(make_client, "idle")
    clock[0] += 29 * 60
    assert web.get("/exams/").status_code == 200
    clock[0] += 31 * 60
    assert _signed_out(web.get("/exams/"))
    assert _signed_out(web.get("/records/"))


def test_an_idle_stamp_closes_the_session_on_the_server_and_says_why(app, make_client, clock):
    """ASVS V3.3.2 / V3.3.1: a cookie still signed recently but last seen too long ago (the
    timeout was shortened) ends its sign-in on the server, so no copy of it works, and the
    person is told why in Chinese."""
    web = _signed_in(make_client, "shortened")
    copy = make_client()
    copy._client._cookies = dict(web._client._cookies)  # the same cookie, another browser
    assert _open_sessions() == 1
    app.config["SESSION_IDLE_MINUTES"] = 10
    clock[0] += 11 * 60
    assert _signed_out(web.http.get("/exams/"))
    assert _open_sessions() == 0
    assert "长时间未操作" in web.get("/login").get_data(as_text=True)
    assert _signed_out(copy.http.get("/exams/"))


def test_active_use_keeps_the_sign_in_and_renews_the_cookie_only_every_few_minutes(
    app, make_client, clock
):
    """ASVS V3.3.2: someone working (a page every 4 minutes for 2 hours) is never signed
    out by the idle timeout, and their cookie is signed again at most every 5 minutes."""
    web = _signed_in(make_client, "busy")
    renewed = 0
    for _ in range(30):
        clock[0] += 4 * 60
        response = web.http.get("/exams/")
        assert response.status_code == 200
        renewed += bool(_session_cookies(response))
    assert 10 <= renewed <= 15  # every other request, as the 4-minute steps cross 5 minutes


def test_a_request_with_a_fresh_stamp_sets_no_cookie_and_writes_nothing(app, make_client, clock):
    """ASVS V3.3.2 at no cost: the idle check reads the signed cookie only. A request whose
    stamp is under 5 minutes old sets no cookie; one past it sets one; neither writes to the
    database."""
    web = _signed_in(make_client, "cheap")
    writes: list[str] = []

    def count_writes(conn, cursor, statement, *args):
        if statement.lstrip().split(None, 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}:
            writes.append(statement)

    event.listen(db.engine, "before_cursor_execute", count_writes)
    try:
        clock[0] += 2 * 60
        for url in ("/exams/", "/records/", "/account/password"):
            response = web.http.get(url)
            assert response.status_code == 200 and not _session_cookies(response), url
        clock[0] += 4 * 60
        assert _session_cookies(web.http.get("/exams/"))
        assert not _session_cookies(web.http.get("/records/"))
    finally:
        event.remove(db.engine, "before_cursor_execute", count_writes)
    assert writes == []


def _age_sign_ins(by: timedelta) -> None:
    db.session.execute(update(LoginSession).values(created_at=utcnow() - by))
    db.session.commit()


def test_a_sign_in_lasts_at_most_one_work_shift_however_active(app, make_client):
    """ASVS V3.3.2: the absolute lifetime is SESSION_LIFETIME_HOURS (12 by default, was 31
    days): a session opened 11 h 50 min ago still works, one opened 12 h 10 min ago does not,
    on pages and on autosave's own session check alike."""
    assert app.config["SESSION_LIFETIME_HOURS"] == 12
    web = _signed_in(make_client, "shift")
    _age_sign_ins(timedelta(hours=11, minutes=50))
    assert web.http.get("/exams/").status_code == 200
    _age_sign_ins(timedelta(hours=12, minutes=10))
    assert _signed_out(web.http.get("/exams/"))
    save = web.post_json("/exams/attempts/1/answers", {"position": 1, "response": "A"})
    assert _signed_out(save)  # asked to sign in, before anything about the attempt


def test_the_lifetime_is_read_from_the_configuration(app, make_client):
    """ASVS V3.3.2: a centre running shorter shifts sets SESSION_LIFETIME_HOURS lower."""
    web = _signed_in(make_client, "short-shift")
    app.config["SESSION_LIFETIME_HOURS"] = 1
    _age_sign_ins(timedelta(minutes=50))
    assert web.http.get("/exams/").status_code == 200
    _age_sign_ins(timedelta(minutes=70))
    assert _signed_out(web.http.get("/exams/"))
