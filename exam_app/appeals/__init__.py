"""Re-reviewing appeals (申诉复核): any reviewer who did not mark the item, or a lead."""

from flask import Blueprint

from exam_app.models import Role
from exam_app.web.access import require_roles

bp = Blueprint("appeals", __name__, url_prefix="/appeals")
require_roles(bp, Role.REVIEWER, Role.LEAD)

from exam_app.appeals import routes  # noqa: E402,F401
