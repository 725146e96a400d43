"""Sign-in state kept in the database, so it holds across gunicorn workers and servers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from exam_app.extensions import db
from exam_app.models.base import utcnow


class LoginFailure(db.Model):
    """One failed sign-in; counted per username and address to throttle guessing."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_who", "username", "remote_addr", "failed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50))
    remote_addr: Mapped[str] = mapped_column(String(45))  # an IPv6 address fits
    failed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class LoginSession(db.Model):
    """A signed-in browser. The signed session cookie carries its token; signing out deletes
    the row, so a copy of the old cookie no longer authenticates anyone."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The SHA-256 (64 hex digits) of the token in the cookie, never the token itself.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
