"""How large a request body may be.

MAX_CONTENT_LENGTH (config.py) is the ceiling for everything, sized for bank and roster
uploads. The endpoints a browser calls constantly or anonymously (autosave, flags, the
left-page beacon, sign-in) carry a few kilobytes at most, so they get SMALL_REQUEST_LENGTH:
a client sending megabytes there is refused with 413 before the body is read.
64 KB still holds the longest essay the page lets anyone type (textarea maxlength 20000:
about 60 KB as UTF-8 JSON); raise SMALL_REQUEST_LENGTH with that maxlength, never below it.
"""

from __future__ import annotations

from flask import Flask, abort, current_app, request

SMALL_BODY_ENDPOINTS = frozenset({"exams.save", "exams.flag", "exams.left_page", "auth.login"})


def _limit_small_bodies():
    if request.endpoint not in SMALL_BODY_ENDPOINTS:
        return None
    limit = current_app.config["SMALL_REQUEST_LENGTH"]
    # A body sent in chunks has no Content-Length: the per-request limit stops its read.
    request.max_content_length = limit
    if request.content_length is not None and request.content_length > limit:
        abort(413)
    return None


def init_app(app: Flask) -> None:
    app.config.setdefault("SMALL_REQUEST_LENGTH", 64 * 1024)
    # First of all hooks: the CSRF check would otherwise parse the oversized form.
    app.before_request_funcs.setdefault(None, []).insert(0, _limit_small_bodies)
