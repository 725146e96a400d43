"""Sign-in rules: throttling repeated failures and server-side session tokens.

Both live in the database (not in a worker's memory): with several gunicorn workers or
servers, a guesser's attempts land on all of them.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.orm import joinedload

from exam_app.extensions import db
from exam_app.models import User
from exam_app.models.sign_in import LoginFailure, LoginSession

SESSION_MAX_AGE = timedelta(days=31)


def _window() -> timedelta:
    return timedelta(minutes=current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"])


def _key(username: str) -> str:
    return username.strip().lower()[:50]


def minutes_to_wait(username: str, remote_addr: str, now: datetime) -> int:
    """0 when this username may try from this address; else whole minutes until it may."""
    since = now - _window()
    count, oldest = db.session.execute(
        select(func.count(LoginFailure.id), func.min(LoginFailure.failed_at)).where(
            LoginFailure.username == _key(username),
            LoginFailure.remote_addr == remote_addr,
            LoginFailure.failed_at > since,
        )
    ).one()
    if count < current_app.config["LOGIN_MAX_FAILURES"]:
        return 0
    # Blocked until the oldest failure in the window ages out.
    return max(1, math.ceil((oldest + _window() - now).total_seconds() / 60))


def record_failure(username: str, remote_addr: str, now: datetime) -> None:
    db.session.add(LoginFailure(username=_key(username), remote_addr=remote_addr, failed_at=now))
    # Old rows are of no use any more; clearing them here keeps the table small.
    db.session.execute(delete(LoginFailure).where(LoginFailure.failed_at < now - _window()))
    db.session.commit()


def _digest(token: str) -> str:
    """What the database keeps of a session token: its SHA-256, never the token itself, so
    a leaked table or backup signs no one in. Rows written before tokens were hashed hold
    the plain token and simply stop matching: those users sign in once more."""
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(user: User, username: str, remote_addr: str, now: datetime) -> str:
    """After a good password: forget the failures, and issue a new session token (the
    cookie carries it; the database only its digest)."""
    db.session.execute(
        delete(LoginFailure).where(
            LoginFailure.username == _key(username), LoginFailure.remote_addr == remote_addr
        )
    )
    db.session.execute(delete(LoginSession).where(LoginSession.created_at < now - SESSION_MAX_AGE))
    token = secrets.token_urlsafe(32)
    db.session.add(LoginSession(token=_digest(token), user_id=user.id, created_at=now))
    db.session.commit()
    return token


def close_session(token: str | None) -> None:
    if token:
        db.session.execute(delete(LoginSession).where(LoginSession.token == _digest(token)))
        db.session.commit()


# Built once: this runs on every signed-in request, and building the statement anew cost
# as much as running it. The roles come in the same query (Role checks need them at once).
_USER_FOR_SESSION = (
    select(User)
    .join(LoginSession, LoginSession.user_id == User.id)
    .where(
        User.id == bindparam("user_id"),
        LoginSession.token == bindparam("token"),
        LoginSession.created_at > bindparam("since"),
    )
    .options(joinedload(User.role_rows))
)


def user_for_session(user_id: int, token: str | None, now: datetime) -> User | None:
    """The signed-in user if the session's token is still open (one query)."""
    if not token:
        return None
    params = {"user_id": user_id, "token": _digest(token), "since": now - SESSION_MAX_AGE}
    return db.session.scalars(_USER_FOR_SESSION, params).unique().first()


def close_other_sessions(user_id: int, keep_token: str | None) -> int:
    """Sign the person out everywhere but here (after they changed their password): a
    session opened with the old password, on a shared PC or by someone who knew it, ends.
    The caller commits. Returns how many sessions were closed."""
    query = delete(LoginSession).where(LoginSession.user_id == user_id)
    if keep_token:
        query = query.where(LoginSession.token != _digest(keep_token))
    return db.session.execute(query).rowcount


def close_all_sessions(user_id: int) -> int:
    """Sign the person out of every browser (account disabled, password reset): each of
    their requests from now on finds no open session. The caller commits."""
    return db.session.execute(delete(LoginSession).where(LoginSession.user_id == user_id)).rowcount
