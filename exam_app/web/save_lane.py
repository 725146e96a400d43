"""Autosave's lane: a save sent exactly as one the checks already let through.

Each candidate's page sends a save every few seconds with the same cookie, form token,
browser, address and page. Before its view, each one unsigned the session cookie and looked
for the form token in the body and the headers (with what they drew after them, a quarter
of a save's time in-process, bench/RESULTS.md). Here a save whose headers are byte for byte those of
a save Flask answered 200 without changing the session ("admitted") is given that
session's data as read then, and its token counts as checked: the same cookie text is the
same signature over the same data, and the same (token, cookie, referrer, host) the pair
flask-wtf accepted. Everything else runs as always: every other hook (the body's size, the
idle sign-in, the one-time password, the role), the view, whose one UPDATE checks the
sign-in session, the account and the role in the database (services/autosave.py), and
every after-request hook.

What the clock changes is bounded: an admission lasts while the session's "last seen"
stamp is younger than SESSION_SEEN_EVERY (session_timeout.py), so the save that would renew
the stamp (and sign a new cookie) goes the whole way, well before the cookie itself would
expire. With a time limit on form tokens (WTF_CSRF_TIME_LIMIT) nothing is admitted.
"""

from __future__ import annotations

import hashlib
import re

from flask import Flask, current_app, g, request, session
from flask.sessions import session_json_serializer

from exam_app.services.sign_in import SessionClaim
from exam_app.web import session_timeout

ADMITTED = "exam_app.save_lane"  # the environ key the lane sets (no header can name it)
_ADMISSIBLE = "exam_app.save_lane.admissible"
_SAVE = re.compile(r"/exams/attempts/[0-9]{1,18}/answers\Z")
# Headers that differ between two sends of the same save (nginx's request id); every other
# one is compared. The body's length arrives as CONTENT_LENGTH, not an HTTP_ key, and is
# left out of _CGI: limits.py checks it on every request, the lane's too.
_PER_REQUEST = frozenset({"HTTP_X_REQUEST_ID"})
_CGI = ("REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING", "CONTENT_TYPE",
        "SERVER_NAME", "SERVER_PORT", "REMOTE_ADDR", "wsgi.url_scheme")  # fmt: skip
# Admissions kept, ~0.6 KB each; then start again (a save the whole way admits its page again).
_LIMIT = 8192
# Every renewal of the "last seen" stamp signs a new cookie, so a page's next save is a new
# admission and its old one is never matched again: at most this often (seconds), the ones
# past their stamp's bound are dropped, so a worker keeps about one per page saving into it
# rather than one per page and renewal (+2.5 MB a worker in a 10-minute run of 2,000, until
# _LIMIT).
_SWEEP_EVERY = 60


def _key(environ) -> bytes:
    """A digest of the request's every header but the per-request ones: a worker keeps one
    per page saving into it, so 32 bytes rather than the headers themselves (~2 KB)."""
    headers = sorted(
        (k, v) for k, v in environ.items() if k.startswith("HTTP_") and k not in _PER_REQUEST
    )
    shown = repr((*(environ.get(k) for k in _CGI), *headers))  # unambiguous: a tuple's repr
    return hashlib.blake2b(shown.encode(), digest_size=32).digest()


class SaveLane:
    """WSGI middleware around Flask's own app (inside the WAL sync's and the proxy's)."""

    def __init__(self, app: Flask, inner):
        self.app, self.inner = app, inner
        # key -> (the session's data as Flask's session JSON, its "last seen" stamp)
        self.admitted: dict[bytes, tuple[str, int]] = {}
        self._swept = session_timeout.now()

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") != "POST" or not _SAVE.match(environ.get("PATH_INFO", "")):
            return self.inner(environ, start_response)
        key = _key(environ)
        kept = self.admitted.get(key)
        if kept is not None and session_timeout.left_alone(kept[1], self.app.config):
            environ[ADMITTED] = kept[0]
            return self.inner(environ, start_response)
        self.admitted.pop(key, None)
        cookies = []

        def noting(status, headers, exc_info=None):
            cookies.extend(v for k, v in headers if k.lower() == "set-cookie")
            return start_response(status, headers, exc_info)

        body = self.inner(environ, noting)
        admissible = environ.get(_ADMISSIBLE)
        if admissible is not None and not cookies:
            self._sweep()
            if len(self.admitted) >= _LIMIT:
                self.admitted.clear()
            self.admitted[key] = admissible
        return body

    def _sweep(self) -> None:
        now = session_timeout.now()
        if now - self._swept < _SWEEP_EVERY:
            return
        self._swept, config = now, self.app.config
        for key in [k for k, (_, seen) in self.admitted.items()
                    if not session_timeout.left_alone(seen, config)]:  # fmt: skip
            del self.admitted[key]


def admitted_session(environ) -> dict | None:
    """The session data this request was admitted with (a copy of its own), or None."""
    text = environ.get(ADMITTED)
    return session_json_serializer.loads(text) if text is not None else None


def _note_admissible(response):
    """After a save the whole way: admit its headers if it left the session as it was."""
    if (
        request.endpoint == "exams.save"
        and ADMITTED not in request.environ
        and response.status_code == 200
        and current_app.config.get("WTF_CSRF_TIME_LIMIT") is None
        and isinstance(g.get("_login_user"), SessionClaim)
        and not session.modified
        and isinstance(seen := session.get(session_timeout.SEEN), int)
    ):
        request.environ[_ADMISSIBLE] = (session_json_serializer.dumps(dict(session)), seen)
    return response


def init_app(app: Flask) -> None:
    """Before the WAL sync's and the proxy's middleware wrap the app (create_app)."""
    lane = app.extensions["save_lane"] = SaveLane(app, app.wsgi_app)
    app.wsgi_app = lane  # type: ignore[method-assign]
    app.after_request(_note_admissible)
