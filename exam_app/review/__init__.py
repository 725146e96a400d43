"""Reviewers: the queue of essay and case answers, marked blind against a rubric."""

from flask import Blueprint

from exam_app.models import Role
from exam_app.web.access import require_roles

bp = Blueprint("review", __name__, url_prefix="/review")
require_roles(bp, Role.REVIEWER)

from exam_app.review import routes  # noqa: E402,F401
