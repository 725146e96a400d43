"""Templates' `csrf_token()`, signed once per sign-in session and worker.

flask-wtf signs the session's raw token anew on every page with a form: a serializer built,
JSON, zlib and an HMAC, 0.15-0.3 ms a page (the exam page the start answers with among
them). With WTF_CSRF_TIME_LIMIT = None (config.py: a form open for a whole exam must still
post) the signature's timestamp is never checked, so the token signed for a raw value is
exactly as good on the next page as on the first: it is kept, keyed by the raw value, which
only that session's cookie holds. flask-wtf looks in `g` first, so forms built later in the
same request carry the same token. With a time limit set, every page signs afresh.
"""

from __future__ import annotations

from flask import Flask, current_app, g, session
from flask_wtf.csrf import generate_csrf

_LIMIT = 8192  # sessions; then start again (a signature is cheap to make once more)


def remembered_csrf_token() -> str:
    config = current_app.config
    field = config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    if config.get("WTF_CSRF_TIME_LIMIT") is not None:
        return generate_csrf()
    if field in g:  # this request's already (flask-wtf's, or from here)
        return g.get(field)
    kept: dict = current_app.extensions["csrf_memo"]
    raw = session.get(field)
    if raw is not None and (token := kept.get(raw)) is not None:
        setattr(g, field, token)
        return token
    # Signed now from the session's raw value (made now if it has none): only a token made
    # here is kept, so one made for a session since cleared is never filed under a new one.
    token = generate_csrf()
    if len(kept) >= _LIMIT:
        kept.clear()
    kept[session[field]] = token
    return token


def init_app(app: Flask) -> None:
    """After flask-wtf's CSRFProtect: it puts its `csrf_token` both among the templates'
    globals and in a context processor; this one runs after it, so its name wins."""
    app.extensions["csrf_memo"] = {}
    app.jinja_env.globals["csrf_token"] = remembered_csrf_token
    app.context_processor(lambda: {"csrf_token": remembered_csrf_token})
