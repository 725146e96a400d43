"""Administrators: staff roster import and API tokens for HR systems.

Admin only, not the training lead: the roster assigns roles, 系统管理员 included, so a
lead who could import it could make themselves administrator.
"""

from flask import Blueprint

from exam_app.models import Role
from exam_app.web.access import require_roles

bp = Blueprint("staffing", __name__, url_prefix="/staffing")
require_roles(bp, Role.ADMIN)

from exam_app.staffing import routes  # noqa: E402,F401
