"""Training leads: the question bank and case library: browse, edit, review, import, export."""

from flask import Blueprint

from exam_app.models import Role
from exam_app.web.access import require_roles

bp = Blueprint("bank", __name__, url_prefix="/bank")
require_roles(bp, Role.LEAD)

from exam_app.bank import cases, routes, transfer  # noqa: E402,F401
