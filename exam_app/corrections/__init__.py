"""Training leads: all open appeals (age, assignment) and answer-key corrections (更正答案)."""

from flask import Blueprint

from exam_app.models import Role
from exam_app.web.access import require_roles

bp = Blueprint("corrections", __name__, url_prefix="/corrections")
require_roles(bp, Role.LEAD)

from exam_app.corrections import routes  # noqa: E402,F401
