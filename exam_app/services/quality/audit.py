"""The audit trail of service quality: every record, appeal, confirmation, weight and rating
change is a QualityEvent row (who, whom, what, when) and a log line."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from exam_app.extensions import db
from exam_app.models import QualityEvent, User

log = logging.getLogger("exam_app.quality")


def note(
    action: str,
    subject: str,
    actor: User | None,
    at: datetime,
    *,
    whom: int | None = None,
    **detail: Any,
) -> None:
    """Added to the caller's transaction: the event is stored exactly when the change is."""
    db.session.add(
        QualityEvent(
            action=action,
            subject=subject,
            user_id=whom,
            actor_id=actor.id if actor else None,
            detail=detail,
            at=at,
        )
    )
    log.info("%s %s whom=%s by=%s", action, subject, whom, actor.id if actor else None)
