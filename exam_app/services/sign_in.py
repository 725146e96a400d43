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
from sqlalchemy.sql.functions import aggregate_strings

from exam_app.extensions import db
from exam_app.models import Role, User
from exam_app.models.people import UserRole
from exam_app.models.sign_in import LoginFailure, LoginSession
from exam_app.services.errors import NotAllowed


def session_max_age() -> timedelta:
    """How long a sign-in lasts at most, however active (SESSION_LIFETIME_HOURS: one work
    shift), before the person signs in again (ASVS V3.3.2; idle: web/session_timeout.py)."""
    return timedelta(hours=current_app.config["SESSION_LIFETIME_HOURS"])


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
    db.session.execute(
        delete(LoginSession).where(LoginSession.created_at < now - session_max_age())
    )
    token = secrets.token_urlsafe(32)
    db.session.add(LoginSession(token=_digest(token), user_id=user.id, created_at=now))
    db.session.commit()
    return token


def close_session(token: str | None) -> None:
    if token:
        db.session.execute(delete(LoginSession).where(LoginSession.token == _digest(token)))
        db.session.commit()


class SignedIn:
    """Who is signed in, as every request needs it: plain values from one row, no ORM object.

    Loading the `User` with its roles through the ORM was the largest part of a signed-in
    request (bench/RESULTS.md). Anything else asked of it (a relationship, `check_password`)
    is answered by the `User` row, loaded on first use; a service that stores the person in
    a relationship is given `.account`."""

    is_authenticated = True
    is_anonymous = False

    __slots__ = ("id", "username", "staff_no", "name", "department_id", "position", "is_active",
                 "must_change_password", "roles", "_account")  # fmt: skip

    def __init__(self, row):
        (self.id, self.username, self.staff_no, self.name, self.department_id, self.position,
         self.is_active, self.must_change_password, roles) = row  # fmt: skip
        self.roles = frozenset(Role(r) for r in (roles or "").split(",") if r)
        self._account = None

    def get_id(self) -> str:
        return str(self.id)

    def has_role(self, *roles: Role) -> bool:
        return not self.roles.isdisjoint(roles)

    @property
    def account(self) -> User:
        """The person's `User` row (one query, the first time it is asked for)."""
        if self._account is None:
            self._account = db.session.get(User, self.id)
        return self._account

    def __getattr__(self, name: str):
        if name.startswith("_"):  # never stand in for the ORM's own state
            raise AttributeError(name)
        return getattr(self.account, name)

    def __eq__(self, other) -> bool:
        return getattr(other, "id", None) == self.id and isinstance(other, (SignedIn, User))

    def __hash__(self) -> int:
        return hash(("user", self.id))


# Built once: this runs on every signed-in request, and building the statement anew cost
# as much as running it. The roles come in the same row (role checks need them at once).
_u, _r, _s = User.__table__, UserRole.__table__, LoginSession.__table__
_SIGNED_IN_COLUMNS = (
    _u.c.id, _u.c.username, _u.c.staff_no, _u.c.name, _u.c.department_id, _u.c.position,
    _u.c.is_active_account, _u.c.must_change_password,
    select(aggregate_strings(_r.c.role, ",")).where(_r.c.user_id == _u.c.id)
    .scalar_subquery().label("roles"),
)  # fmt: skip
_SIGNED_IN = (
    select(*_SIGNED_IN_COLUMNS)
    .join(_s, _s.c.user_id == _u.c.id)
    .where(_u.c.id == bindparam("user_id"), _s.c.token == bindparam("token"),
           _s.c.created_at > bindparam("since"), _u.c.is_active_account.is_(True))
)  # fmt: skip
# The same row as a subquery, with the parameters of SessionClaim.params, for a page whose
# one statement reads who is signed in beside what it shows (「我的考试」): no row, no session.
SIGNED_IN_ROW = (
    select(*_SIGNED_IN_COLUMNS)
    .join(_s, _s.c.user_id == _u.c.id)
    .where(_u.c.id == bindparam("b_user"), _s.c.token == bindparam("b_token"),
           _s.c.created_at > bindparam("b_since"), _u.c.is_active_account.is_(True))
    .subquery("signed_in")
)  # fmt: skip


_ACCOUNT_FOR_SESSION = (
    select(User)
    .join(LoginSession, LoginSession.user_id == User.id)
    .where(User.id == bindparam("user_id"), LoginSession.token == bindparam("token"),
           LoginSession.created_at > bindparam("since"), User.is_active_account.is_(True))
    .options(joinedload(User.role_rows))
)  # fmt: skip


def _params(user_id: int, token: str, now: datetime) -> dict:
    return {"user_id": user_id, "token": _digest(token), "since": now - session_max_age()}


def user_for_session(user_id: int, token: str | None, now: datetime) -> SignedIn | None:
    """The signed-in person if the session's token is still open and the account enabled
    (one query): a disabled account's sessions end with its next request."""
    if not token:
        return None
    row = db.session.execute(_SIGNED_IN, _params(user_id, token, now)).first()
    return SignedIn(row) if row is not None else None


def account_for_session(user_id: int, token: str | None, now: datetime) -> User | None:
    """The same check, giving the `User` row with its roles (one query), for pages whose
    services keep the person in relationships (author, reviewer, decider)."""
    if not token:
        return None
    return db.session.scalars(_ACCOUNT_FOR_SESSION, _params(user_id, token, now)).unique().first()


ONE_TIME_PASSWORD = "请先修改初始密码，再继续使用。"


class PasswordChangeDue(NotAllowed):
    """Signed in with a one-time password: nothing else until it is changed."""


class SessionEnded(Exception):
    """The cookie names a sign-in session that is closed (signed out, expired, disabled)."""


# The same check as a condition of another statement (a save, a start): the person's
# session is open, their account enabled, their own password set and they hold the role.
# Such a statement does the request's one round trip and its check at once (SessionClaim).
_OPEN_SESSION = (
    select(_s.c.id)
    .join(_u, _u.c.id == _s.c.user_id)
    .where(_s.c.user_id == bindparam("b_user"), _s.c.token == bindparam("b_token"),
           _s.c.created_at > bindparam("b_since"), _u.c.is_active_account.is_(True),
           _u.c.must_change_password.is_(False),
           select(_r.c.id).where(_r.c.user_id == _u.c.id, _r.c.role == bindparam("b_role"))
           .exists())
    .exists()
)  # fmt: skip


def open_session_clause():
    """A condition true only while the session of `session_params` is open (see above)."""
    return _OPEN_SESSION


class SessionClaim:
    """Who the signed cookie names, not yet checked against the database: for a view whose
    one statement checks the session itself (`open_session_clause`). Until `verify()`, it
    says nothing of roles; a refusal must `verify()` first, so a closed session hears 401
    rather than anything about the attempt it names."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    # Checked by the statement (open_session_clause); web/password_change.py asks no query.
    must_change_password = False

    def __init__(self, user_id: int, token: str, role: Role, now: datetime):
        self.id, self.role = user_id, role
        self.params = {"b_token": _digest(token), "b_since": now - session_max_age(),
                       "b_role": role.value}  # fmt: skip
        self._now, self._token, self._verified = now, token, False

    def get_id(self) -> str:
        return str(self.id)

    def verify(self) -> SignedIn:
        """The person, once the session proved open; else SessionEnded, or NotAllowed
        without the role (one query, once)."""
        signed_in = self._signed_in()
        if signed_in is None:
            raise SessionEnded
        if not signed_in.has_role(self.role):
            raise NotAllowed("您没有权限访问此页面。")
        if signed_in.must_change_password:
            raise PasswordChangeDue(ONE_TIME_PASSWORD)
        return signed_in

    def adopt(self, signed_in: SignedIn | None) -> None:
        """What the view's own statement read of the person (SIGNED_IN_ROW): the claim is
        then answered from it, with no query of its own."""
        self._verified = signed_in

    def let_in_by(self, row) -> bool:
        """The first row of the view's own statement, SIGNED_IN_ROW's columns first (None:
        no session open), adopted; whether it lets the claim's person in with its role."""
        self.adopt(SignedIn(row[: len(SIGNED_IN_ROW.c)]) if row is not None else None)
        try:
            self.verify()
        except (SessionEnded, NotAllowed):
            return False
        return True

    def _signed_in(self) -> SignedIn | None:
        if self._verified is False:
            self._verified = user_for_session(self.id, self._token, self._now)
        return self._verified

    # Where a page is drawn after all (an error page with its menu), the claim is checked
    # and answers as the person would; a closed session has no roles and no name.
    @property
    def roles(self) -> frozenset[Role]:
        signed_in = self._signed_in()
        return signed_in.roles if signed_in else frozenset()

    def has_role(self, *roles: Role) -> bool:
        return not self.roles.isdisjoint(roles)

    def __getattr__(self, name: str):
        signed_in = self._signed_in() if not name.startswith("_") else None
        if signed_in is None:
            raise AttributeError(name)
        return getattr(signed_in, name)


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
