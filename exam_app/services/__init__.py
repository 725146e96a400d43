"""Use cases that change state, named for the users' verbs.

Services take and return models and plain values; they never read `request`. Each one
commits its own unit of work, so a view calls one service and renders.
"""

from exam_app.services.errors import ServiceError

__all__ = ["ServiceError"]
