"""Staff: my staff file (员工考核档案)."""

from flask import Blueprint

from exam_app.models import Role
from exam_app.web.access import require_roles

bp = Blueprint("records", __name__, url_prefix="/records")
require_roles(bp, Role.STAFF)

from exam_app.records import routes  # noqa: E402,F401
