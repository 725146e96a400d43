"""Reports and exports: training leads and HR read results per paper and per quarter."""

from flask import Blueprint

from exam_app.models import Role
from exam_app.web.access import require_roles

bp = Blueprint("reports", __name__, url_prefix="/reports")
require_roles(bp, Role.LEAD, Role.HR)

from exam_app.reports import routes  # noqa: E402,F401
