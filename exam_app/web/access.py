"""Role checks, once per blueprint rather than an `if` in each view."""

from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user

from exam_app.extensions import login_manager
from exam_app.models import Role
from exam_app.web.session_user import session_role


def require_roles(bp: Blueprint, *roles: Role) -> None:
    """Every route of `bp` needs a signed-in user holding one of `roles`; others get 403."""

    @bp.before_request
    def _check_role():
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if session_role() is not None:  # the view's own statement checks it (session_user.py)
            return None
        if not current_user.has_role(*roles):
            abort(403)
        return None
