"""Administrators: accounts and roles."""

from flask import Blueprint

from exam_app.models import Role
from exam_app.web.access import require_roles

bp = Blueprint("admin", __name__, url_prefix="/admin")
require_roles(bp, Role.ADMIN)

from exam_app.admin import routes  # noqa: E402,F401
