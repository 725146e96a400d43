"""People holding a one-time password set their own before anything else.

While `must_change_password` is set, every request but the change-password page, signing
out and static files is sent to the change page (a JSON 403 for /api and scripts). The
check reads the already loaded user: no query of its own, and nothing at all for requests
without a signed-in session. (A disabled account needs nothing here: its sessions are closed
when it is disabled, and Flask-Login counts an inactive user as signed out anyway.)
"""

from __future__ import annotations

from flask import Flask, jsonify, redirect, request, session, url_for
from flask_login import current_user

from exam_app.services.sign_in import ONE_TIME_PASSWORD as MESSAGE
from exam_app.web.errors import wants_json

EXEMPT = frozenset({"auth.change_password", "auth.logout", "static", "healthz", "favicon"})


def no_sign_in(view):
    """Mark a view that serves anyone and reads nothing of the person (like /healthz): the
    check here leaves it alone instead of loading who is signed in for nothing."""
    view.no_sign_in = True
    return view


def init_app(app: Flask) -> None:
    @app.before_request
    def _one_time_password_first():
        if request.endpoint in EXEMPT or "_user_id" not in session:
            return None
        if getattr(app.view_functions.get(request.endpoint or ""), "no_sign_in", False):
            return None
        if not getattr(current_user, "must_change_password", False):
            return None
        if wants_json():
            response = jsonify(ok=False, error=MESSAGE)
            response.status_code = 403
            return response
        return redirect(url_for("auth.change_password"))
