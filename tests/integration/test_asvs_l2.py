"""ASVS 4.0.3 L2 requirements that had no test of their own: password length rules, session
token entropy, and error pages that show no internals (docs/security.md lists them all)."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from exam_app.extensions import db
from exam_app.models import Role, User
from tests.factories import person
from tests.helpers import PASSWORD


def _change(web, new: str):
    data = {"current_password": PASSWORD, "new_password": new, "confirm": new}
    return web.post("/account/password", data)


def _password_is(username: str, password: str) -> bool:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.username == username)).check_password(password)


def _signed_in(make_client, username: str):
    person(username, Role.STAFF)
    web = make_client()
    web.login(username)
    return web


def test_a_password_shorter_than_12_characters_is_refused(app, make_client):
    """ASVS V2.1.1: a password a person sets has at least 12 characters (was 8)."""
    web = _signed_in(make_client, "twelve")
    refused = _change(web, "eleven-char")
    assert refused.status_code == 200 and "密码至少 12 位" in refused.get_data(as_text=True)
    assert _password_is("twelve", PASSWORD)
    assert _change(web, "twelve-chars").status_code == 302
    assert _password_is("twelve", "twelve-chars")


def test_long_unicode_passwords_with_spaces_are_kept_whole(app, make_client):
    """ASVS V2.1.2 / V2.1.3 / V2.1.4: 64 characters of Chinese, spaces and symbols are
    taken and kept whole (a shortened copy does not sign in); over 128 are refused."""
    web = _signed_in(make_client, "long")
    long = ("客服 热线 95598 · 我的密码很长 " * 4)[:64]
    assert len(long) == 64
    assert _change(web, long).status_code == 302
    assert _password_is("long", long) and not _password_is("long", long[:63])
    assert not _password_is("long", long.replace(" ", ""))  # spaces count
    fresh = make_client()
    fresh.login("long", long)
    too_long = "密" * 129
    refused = _change(fresh, too_long)
    assert "密码最多 128 位" in refused.get_data(as_text=True)


def test_session_tokens_are_new_at_each_sign_in_with_256_random_bits(app, make_client):
    """ASVS V3.2.2: each sign-in's token is 32 random bytes (43 URL-safe characters), new
    every time, and kept only in the signed HttpOnly cookie, never in a URL (V3.1.1)."""
    person("tokens", Role.STAFF)
    tokens = set()
    for _ in range(3):
        web = make_client()
        response = web.login("tokens")
        assert "token" not in response.headers["Location"]
        with web._client.session_transaction() as session:
            tokens.add(session["login_token"])
    assert len(tokens) == 3 and all(len(t) >= 43 for t in tokens)


@pytest.fixture
def failing_app(app):
    """The app with one view that fails the way a bug would: a SQL error from the driver."""

    def broken():
        db.session.execute(text("SELECT secret_column FROM no_such_table_for_asvs"))
        return "unreachable"

    app.add_url_rule("/records/asvs-broken", "asvs_broken", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the handler answers
    return app


def test_an_unexpected_error_shows_the_chinese_page_and_no_internals(failing_app, make_client):
    """ASVS V7.4.1 (and V14.3.2): an unhandled error answers 500 with the Chinese page or
    JSON, never a traceback, the SQL, the table or the exception's name."""
    web = _signed_in(make_client, "unlucky")
    page = web.http.get("/records/asvs-broken")
    as_json = web.http.get("/records/asvs-broken", headers={"Accept": "application/json"})
    assert page.status_code == 500 and as_json.status_code == 500
    assert "服务器出错，请稍后重试" in page.get_data(as_text=True)
    assert as_json.json == {
        "ok": False,
        "error": "服务器出错，请稍后重试。您已保存的答案不受影响。",
    }
    for response in (page, as_json):
        body = response.get_data(as_text=True)
        for internal in ("Traceback", "no_such_table", "secret_column", "SELECT", "sqlalchemy",
                         "OperationalError", "ProgrammingError", 'File "', ".py"):  # fmt: skip
            assert internal not in body, internal
        assert response.headers["Cache-Control"] == "no-store"
