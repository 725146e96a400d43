"""Training leads: marking progress, reassigning work, arbitration, releasing results."""

from flask import Blueprint

from exam_app.models import Role
from exam_app.web.access import require_roles

bp = Blueprint("marking", __name__, url_prefix="/marking")
require_roles(bp, Role.LEAD)

from exam_app.marking import routes  # noqa: E402,F401
