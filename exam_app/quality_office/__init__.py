"""Leads and HR: the monthly summary (违规处理情况汇总), its confirmation and Excel file for
finance, and the quarter's combined scores."""

from flask import Blueprint

from exam_app.models import Role
from exam_app.web.access import require_roles

bp = Blueprint("quality_office", __name__, url_prefix="/quality/office")
require_roles(bp, Role.LEAD, Role.HR)

from exam_app.quality_office import routes  # noqa: E402,F401
