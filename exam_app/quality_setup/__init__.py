"""Leads and admins: the standards catalogue (add, retire), the rules of 考核办法 §4.2 (fines,
bands, posting, 70/30) and the quarter's weights."""

from flask import Blueprint

from exam_app.models import Role
from exam_app.web.access import require_roles

bp = Blueprint("quality_setup", __name__, url_prefix="/quality/setup")
require_roles(bp, Role.LEAD, Role.ADMIN)

from exam_app.quality_setup import routes  # noqa: E402,F401
