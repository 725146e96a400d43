"""Sign in and out."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from exam_app.auth import routes  # noqa: E402,F401  (routes attach to bp)
