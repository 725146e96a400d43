"""What happens around the answers: flags for later, leaving the page."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update

from exam_app.extensions import db
from exam_app.models import Attempt, AttemptEvent
from exam_app.models.base import utcnow
from exam_app.services.attempts import submit
from exam_app.services.errors import ServiceError


def set_flag(attempt: Attempt, position: int, flagged: bool) -> None:
    if attempt.status != "in_progress":
        raise ServiceError("本场考试已交卷。", status=409)
    item = next((i for i in attempt.items if i.position == position), None)
    if item is None:
        raise ServiceError(f"本场考试没有第 {position} 题。", status=404)
    item.flagged = bool(flagged)
    db.session.commit()


def record_left_page(attempt: Attempt, now: datetime | None = None) -> bool:
    """Count a tab switch for the lead; past the paper's limit the attempt is submitted.

    Returns True when this switch closed the attempt."""
    now = now or utcnow()
    if attempt.status != "in_progress":
        return False
    db.session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id)
        .values(tab_switches=Attempt.tab_switches + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.add(AttemptEvent(attempt_id=attempt.id, kind="left_page", at=now))
    db.session.commit()
    db.session.refresh(attempt)
    limit = attempt.paper.tab_switch_limit
    if limit is not None and attempt.tab_switches > limit:
        db.session.add(AttemptEvent(attempt_id=attempt.id, kind="auto_submitted_tabs", at=now))
        db.session.commit()
        return submit(attempt, now, auto=True)
    return False
