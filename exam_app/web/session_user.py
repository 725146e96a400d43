"""Flask-Login wiring: who is signed in."""

from __future__ import annotations

from flask import Flask, session

from exam_app.extensions import login_manager
from exam_app.models import User
from exam_app.models.base import utcnow
from exam_app.services.sign_in import user_for_session


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录。"
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        # The signed cookie alone is not enough: its login token must still be open, so
        # signing out (or an admin closing sessions) ends every copy of the cookie.
        if not user_id.isdigit():
            return None
        return user_for_session(int(user_id), session.get("login_token"), utcnow())
