"""A sign-in left unused for SESSION_IDLE_MINUTES ends (ASVS V3.3.2, idle timeout).

Nothing is written per request, and a request does not sign a new cookie: the signed
cookie carries when the person was last seen (`seen`, whole seconds), and that stamp is
renewed only once it is SESSION_SEEN_EVERY seconds old, so an active person's cookie is
re-signed every few minutes and every other request leaves it alone (the rush at the start
of an exam signs nothing). Two locks hold the limit:

- Flask refuses a session cookie signed longer ago than PERMANENT_SESSION_LIFETIME, set
  here to the idle timeout (itsdangerous's own timestamp): a cookie copied and replayed
  after that opens nothing, and the browser drops it then too (a permanent cookie's
  expiry).
- A cookie still valid whose stamp is older than the timeout (a server's clock, a stamp
  from before a shorter timeout was set) ends here: its sign-in session is closed on the
  server, the person is asked to sign in again.

The absolute lifetime (SESSION_LIFETIME_HOURS) is the sign-in session's age in the database,
checked by the query every signed-in request makes anyway (services/sign_in.py).
"""

from __future__ import annotations

import time
from datetime import timedelta

from flask import Flask, current_app, flash, session

from exam_app.services import sign_in

SEEN = "seen"
IDLE_MESSAGE = "您已长时间未操作，为保护账号已自动退出，请重新登录。"


def now() -> int:
    """The clock the stamps are kept in, whole seconds (tests move it)."""
    return int(time.time())


def _refresh_every(config=None) -> float:
    # Never as long as the timeout itself: an active person must be renewed before it ends.
    config = config if config is not None else current_app.config
    idle = config["SESSION_IDLE_MINUTES"] * 60
    return min(config["SESSION_SEEN_EVERY"], idle / 2)


def left_alone(seen: int, config) -> bool:
    """Whether a request now, with this stamp, passes `_end_idle_sign_in` leaving the
    session as it is (neither ended nor renewed): the autosave lane's bound (save_lane.py)."""
    return now() - seen < _refresh_every(config)


def _end_idle_sign_in():
    if "_user_id" not in session:
        return None
    seen, current = session.get(SEEN), now()
    if isinstance(seen, int) and current - seen > current_app.config["SESSION_IDLE_MINUTES"] * 60:
        sign_in.close_session(session.get("login_token"))
        session.clear()
        flash(IDLE_MESSAGE, "warning")
    elif not isinstance(seen, int) or current - seen >= _refresh_every():
        session.permanent = True
        session[SEEN] = current
    return None


def _stamp_new_sign_in(response):
    # The sign-in itself (and any session from before this check): stamped once, with the
    # cookie it sets anyway.
    if "_user_id" in session and SEEN not in session:
        session.permanent = True
        session[SEEN] = now()
    return response


def init_app(app: Flask) -> None:
    app.permanent_session_lifetime = timedelta(minutes=app.config["SESSION_IDLE_MINUTES"])
    app.before_request(_end_idle_sign_in)
    app.after_request(_stamp_new_sign_in)
