"""One log line per request to stderr: request id, user id, endpoint, status, duration.

Key=value lines are easy to grep and to parse; the request id comes from X-Request-ID when a
proxy set a sane one (so lines can be joined across nginx and workers) and is echoed back.
Unhandled errors are logged by Flask with their stack trace (here, server-side only); users
see the Chinese error page from web/errors.py.
"""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid

from flask import Flask, g, has_request_context, request
from sqlalchemy import inspect as sa_inspect

from exam_app.services.sign_in import SessionClaim, SignedIn

_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
log = logging.getLogger("exam_app.request")


class _RequestContext(logging.Filter):
    """Adds request_id to every record, so error lines and tracebacks carry it too."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


def _configure(level: str) -> None:
    root = logging.getLogger("exam_app")
    root.setLevel(level.upper())
    if any(getattr(h, "_exam_app", False) for h in root.handlers):
        return  # create_app() runs many times in tests: one handler only
    handler = logging.StreamHandler(sys.stderr)
    handler._exam_app = True  # type: ignore[attr-defined]
    handler.addFilter(_RequestContext())
    handler.setFormatter(
        logging.Formatter(
            "%(asctime)s %(levelname)s %(name)s request_id=%(request_id)s %(message)s"
        )
    )
    root.addHandler(handler)


def _signed_in_id() -> int | str:
    """The user's id without touching the database: after a commit expired the user,
    reading `current_user.id` would cost a query on every logged request."""
    user = g.get("_login_user")  # Flask-Login's; unset when nobody asked who is signed in
    if isinstance(user, (SignedIn, SessionClaim)):
        return user.id
    state = sa_inspect(user, raiseerr=False) if user is not None else None  # just signed in
    return state.identity[0] if state is not None and state.identity else "-"


def init_app(app: Flask) -> None:
    _configure(app.config.get("LOG_LEVEL", "INFO"))
    # Flask's own logger (app.logger, "exam_app") then logs tracebacks through our handler.

    @app.before_request
    def _start():
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _SANE_ID.match(incoming) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def _finish(response):
        started = g.get("request_started")
        if started is None:
            return response
        user_id = _signed_in_id()
        log.info(
            "method=%s path=%s endpoint=%s status=%s duration_ms=%.1f user_id=%s",
            request.method,
            request.path,
            request.endpoint or "-",
            response.status_code,
            (time.perf_counter() - started) * 1000,
            user_id,
        )
        response.headers["X-Request-ID"] = g.request_id
        return response
