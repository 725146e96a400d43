"""Autosave checks the sign-in session inside its one UPDATE (session_user.checks_session_itself):
a closed session, a disabled account or a lost role stores nothing, and hears it before
anything about the attempt its cookie names."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from exam_app.extensions import db
from exam_app.models import Attempt, AttemptItem, Role, User
from exam_app.models.people import UserRole
from exam_app.models.sign_in import LoginSession
from exam_app.services import attempt_layouts
from tests.factories import key_response, person
from tests.integration.test_taking import _objective_paper


@pytest.fixture
def sitting(app, make_client):
    """A candidate signed in with an attempt open, one answer saved."""
    paper = _objective_paper(person("lead", Role.LEAD))
    user = person("s", Role.STAFF)
    web = make_client()
    web.login("s")
    web.post(f"/exams/papers/{paper.id}/start")
    attempt = db.session.scalar(select(Attempt).where(Attempt.user_id == user.id))
    first = attempt.items[0]
    saved = _save(web, attempt, first, seq=1)
    assert saved.status_code == 200 and saved.json["saved"]
    return web, user, attempt, first


def _save(web, attempt, item, seq: int, response=None):
    body = {"position": item.position, "seq": seq,
            "response": key_response(item.snapshot) if response is None else response}  # fmt: skip
    return web.post_json(f"/exams/attempts/{attempt.id}/answers", body)


def _stored(item) -> tuple:
    db.session.expire_all()
    row = db.session.get(AttemptItem, item.id)
    return row.save_seq, row.response


def _asked_to_sign_in(response) -> bool:
    return response.status_code in (302, 401) and "/login" in response.headers.get("Location", "")


def _close_sessions(user):
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))


def _disable(user):
    db.session.get(User, user.id).is_active_account = False


@pytest.mark.parametrize("ending", [_close_sessions, _disable], ids=["signed-out", "disabled"])
def test_a_closed_session_or_a_disabled_account_stores_nothing(sitting, ending):
    """ASVS V3.3.1 (and account disabling): autosave from a signed-out session or a disabled
    account stores nothing."""
    web, user, attempt, item = sitting
    before = _stored(item)
    ending(user)
    db.session.commit()
    assert _asked_to_sign_in(_save(web, attempt, item, seq=2, response=""))
    assert _stored(item) == before


def test_without_the_staff_role_a_save_is_forbidden(sitting):
    """ASVS V4.1.3: autosave needs the staff role."""
    web, user, attempt, item = sitting
    before = _stored(item)
    db.session.execute(delete(UserRole).where(UserRole.user_id == user.id))
    db.session.add(UserRole(user_id=user.id, role=Role.REVIEWER.value))
    db.session.commit()
    refused = _save(web, attempt, item, seq=2, response="")
    assert refused.status_code == 403 and "没有权限" in refused.json["error"]
    assert _stored(item) == before


def test_a_closed_session_hears_401_before_anything_about_the_attempt(sitting, make_client):
    """ASVS V4.1.5: a closed session learns nothing about the attempt it names."""
    web, user, attempt, item = sitting
    other = make_client()
    person("o", Role.STAFF)
    other.login("o")
    # Signed in: someone else's attempt is missing (404), as pages say.
    assert _save(other, attempt, item, seq=5).status_code == 404
    db.session.execute(delete(LoginSession))
    db.session.commit()
    # Signed out: the same request is asked to sign in; nothing is said of the attempt.
    assert _asked_to_sign_in(_save(other, attempt, item, seq=6))
    assert _asked_to_sign_in(_save(web, attempt, item, seq=7, response=[1, 2]))


def test_a_closed_session_past_the_deadline_closes_nothing(sitting):
    web, user, attempt, item = sitting
    db.session.get(Attempt, attempt.id).deadline_at -= timedelta(hours=2)
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    db.session.commit()
    attempt_layouts.clear()  # the worker would see the new deadline on its next read
    assert _asked_to_sign_in(_save(web, attempt, item, seq=2))
    db.session.expire_all()
    assert db.session.get(Attempt, attempt.id).status == "in_progress"  # left to its owner


def test_an_open_session_still_saves_and_a_stale_save_is_reported(sitting):
    web, user, attempt, item = sitting
    assert _save(web, attempt, item, seq=3).json["saved"]
    stale = _save(web, attempt, item, seq=2)
    assert stale.status_code == 200 and stale.json["saved"] is False and stale.json["seq"] == 3


def test_a_one_time_password_must_be_changed_before_a_save_lands(sitting):
    """ASVS V2.3.1: no save lands before a one-time password is changed."""
    web, user, attempt, item = sitting
    before = _stored(item)
    db.session.get(User, user.id).must_change_password = True  # as an admin's reset sets it
    db.session.commit()
    refused = _save(web, attempt, item, seq=2, response="")
    assert refused.status_code == 403 and "修改初始密码" in refused.json["error"]
    assert _stored(item) == before
