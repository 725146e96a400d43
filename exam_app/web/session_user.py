"""Flask-Login wiring: who is signed in."""

from __future__ import annotations

from flask import Flask, request, session

from exam_app.extensions import login_manager
from exam_app.models import User
from exam_app.models.base import utcnow
from exam_app.services.sign_in import SignedIn, account_for_session, user_for_session

# Candidates' pages, where the whole centre is at once: the person as plain values (one
# row, no ORM object; see SignedIn). Their services read only the person's id, department
# and roles. Other pages get the `User` row, which their services keep in relationships.
PLAIN_BLUEPRINTS = frozenset({"exams"})


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
        load = user_for_session if request.blueprint in PLAIN_BLUEPRINTS else account_for_session
        return load(int(user_id), session.get("login_token"), utcnow())
