"""Read-only JSON API for HR systems: /api/v1, bearer tokens, no session, no CSRF."""

from flask import Blueprint

from exam_app.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Callers are systems with a token, not browsers with a session cookie, so there is no
# cross-site request to forge; and every route is GET. Only this blueprint is exempt.
csrf.exempt(bp)

from exam_app.api import auth, routes  # noqa: E402,F401
