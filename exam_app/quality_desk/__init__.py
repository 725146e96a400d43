"""The supervisors' desk (主管): record faults and bonuses, decide record appeals one level
up, rate their people for the quarter. Leads use it too."""

from flask import Blueprint

from exam_app.models import Role
from exam_app.web.access import require_roles

bp = Blueprint("quality_desk", __name__, url_prefix="/quality")
require_roles(bp, Role.SUPERVISOR, Role.LEAD)

from exam_app.quality_desk import routes  # noqa: E402,F401
