"""Flask-Login wiring: who is signed in."""

from __future__ import annotations

from flask import Flask, current_app, redirect, request, session, url_for

from exam_app.extensions import login_manager
from exam_app.models import Role, User
from exam_app.models.base import utcnow
from exam_app.services.errors import NotAllowed
from exam_app.services.sign_in import (
    PasswordChangeDue,
    SessionClaim,
    SessionEnded,
    SignedIn,
    account_for_session,
    user_for_session,
)
from exam_app.web.errors import respond, wants_json

# Candidates' pages, where the whole centre is at once: the person as plain values (one
# row, no ORM object; see SignedIn). Their services read only the person's id, department
# and roles. Other pages get the `User` row, which their services keep in relationships.
PLAIN_BLUEPRINTS = frozenset({"exams"})


def checks_session_itself(role: Role):
    """Mark a view whose one statement checks the session, the account and `role` itself
    (sign_in.open_session_clause): it is given a SessionClaim, with no query, instead of
    the person; the blueprint's role check leaves it to the view. Autosave, every few
    seconds from every candidate: the check and the write are one round trip."""

    def mark(view):
        view.checks_session_itself = role
        return view

    return mark


def checked(claim: SessionClaim):
    """After a statement refused a claim: (the person, None) if their session is open and
    they hold the role, else (None, the answer that says why: sign in again, set your own
    password first, or 403)."""
    try:
        return claim.verify(), None
    except SessionEnded:
        return None, login_manager.unauthorized()
    except PasswordChangeDue as e:  # as web/password_change.py answers every other page
        if wants_json():
            return None, respond(403, e.message)
        return None, redirect(url_for("auth.change_password"))
    except NotAllowed as e:
        return None, respond(403, e.message)


def session_role() -> Role | None:
    """The role the current view checks in its own statement, if it does (see above)."""
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, "checks_session_itself", None)


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录。"
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str) -> SignedIn | User | None:
        # The signed cookie alone is not enough: its login token must still be open, so
        # signing out (or an admin closing sessions) ends every copy of the cookie.
        if not user_id.isdigit():
            return None
        token = session.get("login_token")
        if (role := session_role()) is not None:
            return SessionClaim(int(user_id), token, role, utcnow()) if token else None
        load = user_for_session if request.blueprint in PLAIN_BLUEPRINTS else account_for_session
        return load(int(user_id), token, utcnow())
