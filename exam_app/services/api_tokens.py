"""Tokens for the read-only JSON API: made by an admin, shown once, stored as a hash."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import select

from exam_app.extensions import db
from exam_app.models import ApiToken, User
from exam_app.services.errors import ServiceError

PREFIX = "exm_"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(name: str, admin: User, now: datetime) -> tuple[ApiToken, str]:
    """The new token and its plain text, which is never stored and shown only this once."""
    name = name.strip()
    if not name or len(name) > 100:
        raise ServiceError("请填写令牌用途（最多 100 字），例如「HR 薪酬系统」。", field="name")
    plain = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name, token_hash=_hash(plain), prefix=plain[:10], created_by_id=admin.id,
        created_at=now,
    )  # fmt: skip
    db.session.add(token)
    db.session.commit()
    return token, plain


def revoke_token(token_id: int, now: datetime) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise ServiceError("令牌不存在。", status=404)
    if token.revoked_at is None:
        token.revoked_at = now
        db.session.commit()
    return token


def find_token(plain: str) -> ApiToken | None:
    """The token a request presents, revoked or not (the caller tells 401 from 403)."""
    if not plain:
        return None
    return db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash(plain)))


def all_tokens() -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.created_at.desc())))
