"""Staff: my exams, taking an attempt, results."""

from flask import Blueprint

from exam_app.models import Role
from exam_app.web.access import require_roles

bp = Blueprint("exams", __name__, url_prefix="/exams")
require_roles(bp, Role.STAFF)

from exam_app.exams import notice, practice, routes  # noqa: E402,F401
