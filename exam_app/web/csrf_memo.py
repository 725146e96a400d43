"""CSRF tokens signed and checked once per sign-in session and worker, not on every request.

flask-wtf signs the session's raw token anew on every page with a form (a serializer built,
JSON, zlib and an HMAC, 0.15-0.3 ms a page, the exam page the start answers with among
them) and unsigns the token sent back on every POST (as much again: each autosave, the
start, 交卷). With WTF_CSRF_TIME_LIMIT = None (config.py: a form open for a whole exam must
still post) the signature's timestamp is never checked, so a token is as good on the next
request as on the first:

- `remembered_csrf_token`, the templates' `csrf_token()`: the token signed for a raw value
  is kept, keyed by the raw value, which only that session's cookie holds. flask-wtf looks
  in `g` first, so forms built later in the same request carry the same token.
- the check of a POST: a (token sent, session's raw value) pair that flask-wtf accepted
  once, or the token signed here for that raw value (the start, after its notice page),
  is accepted without unsigning it; the pair is found by flask-wtf's own way of finding
  the token in a request, so it is the very token it checked. Over HTTPS the
  referrer check flask-wtf makes on every such request (WTF_CSRF_SSL_STRICT) is made here
  too. Anything not kept goes through flask-wtf whole.

With a time limit set, every page signs afresh and every POST is checked by flask-wtf.
"""

from __future__ import annotations

import hmac
import logging

from flask import Flask, current_app, g, request, session
from flask_wtf.csrf import CSRFError, generate_csrf, same_origin

from exam_app.extensions import csrf
from exam_app.web.save_lane import ADMITTED

log = logging.getLogger(__name__)

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


def _signed_here(token, raw) -> bool:
    """Whether `token` is the one this worker signed for the session's raw value (what
    flask-wtf would find on unsigning it): the first POST after a page from this worker."""
    if not isinstance(token, str) or not isinstance(raw, str):
        return False
    signed = current_app.extensions["csrf_memo"].get(raw)
    return signed is not None and hmac.compare_digest(signed, token)


def _remembering(check):
    """flask-wtf's before-request check, with the pairs it accepted kept."""
    accepted: set[tuple[str, str]] = set()

    def csrf_protect():
        config = current_app.config
        if (
            not config["WTF_CSRF_ENABLED"]
            or config.get("WTF_CSRF_TIME_LIMIT") is not None
            or request.method not in config["WTF_CSRF_METHODS"]
        ):
            return check()
        if ADMITTED in request.environ:  # this very token and cookie were accepted (save_lane.py)
            g.csrf_valid = True
            return None
        pair = (csrf._get_csrf_token(), session.get(config["WTF_CSRF_FIELD_NAME"]))
        if pair in accepted or _signed_here(*pair):
            if request.is_secure and config["WTF_CSRF_SSL_STRICT"]:
                if not request.referrer:
                    raise CSRFError("The referrer header is missing.")
                if not same_origin(request.referrer, f"https://{request.host}/"):
                    raise CSRFError("The referrer does not match the host.")
            g.csrf_valid = True
            return None
        outcome = check()  # raises CSRFError if refused
        if g.get("csrf_valid") and all(isinstance(part, str) for part in pair):
            if len(accepted) >= _LIMIT:
                accepted.clear()
            accepted.add(pair)
        return outcome

    return csrf_protect


def init_app(app: Flask) -> None:
    """After flask-wtf's CSRFProtect: it puts its `csrf_token` both among the templates'
    globals and in a context processor; this one runs after it, so its name wins. Its
    before-request check is wrapped where it stands among the others (it runs first)."""
    app.extensions["csrf_memo"] = {}
    app.jinja_env.globals["csrf_token"] = remembered_csrf_token
    app.context_processor(lambda: {"csrf_token": remembered_csrf_token})
    hooks = app.before_request_funcs.setdefault(None, [])
    for n, hook in enumerate(hooks):
        if (hook.__module__, hook.__name__) == ("flask_wtf.csrf", "csrf_protect"):
            hooks[n] = _remembering(hook)
            return
    log.warning("flask-wtf's CSRF check not found: every POST's token is unsigned")
