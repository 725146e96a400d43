"""Training leads: build, publish and watch papers; browse the bank."""

from flask import Blueprint

from exam_app.models import Role
from exam_app.web.access import require_roles

bp = Blueprint("papers", __name__, url_prefix="/papers")
require_roles(bp, Role.LEAD)

from exam_app.papers import editing, routes, sections, watching  # noqa: E402,F401
