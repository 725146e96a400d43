"""Security headers on every response, and the proxy settings behind HTTPS.

The CSP allows only our own origin: pages use one local stylesheet and scripts from
/static (exam rooms are often offline, so there is no CDN to allow). Inline handlers and
style attributes are not used in templates, so no 'unsafe-inline' is needed.
"""

from __future__ import annotations

from flask import Flask, request, session
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

from exam_app.web import save_lane

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate CSP 2
    "Referrer-Policy": "same-origin",
}


# Pages with exam items, answers, scores or personal files: never kept by a browser or proxy
# (a shared PC's back button or cache must not show the last person's exam).
PRIVATE_PREFIXES = ("/exams", "/review", "/marking", "/records", "/api", "/quality")


def _private(path: str) -> bool:
    return any(path == p or path.startswith(p + "/") for p in PRIVATE_PREFIXES)


class _SecureOverHttps(SecureCookieSessionInterface):
    """The session cookie is Secure when SESSION_COOKIE_SECURE=1 or the request came over
    HTTPS (directly, or through a trusted proxy that said so)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure

    def open_session(self, app: Flask, request):
        # A save sent as one already admitted: the data its very cookie gave then (save_lane.py).
        data = save_lane.admitted_session(request.environ)
        return self.session_class(data) if data is not None else super().open_session(app, request)


def init_app(app: Flask) -> None:
    app.session_interface = _SecureOverHttps()
    if app.config.get("TRUST_PROXY"):
        # One reverse proxy (nginx) in front: trust its X-Forwarded-For/Proto/Host, so
        # request.is_secure is true behind HTTPS and the session cookie is marked Secure.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]

    @app.after_request
    def _security_headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        # Static files stay cacheable; every other answer to a signed-in browser does not
        # ("_user_id" is Flask-Login's mark in the session: no database query needed).
        if request.endpoint != "static" and (_private(request.path) or "_user_id" in session):
            response.headers["Cache-Control"] = "no-store"
        return response
