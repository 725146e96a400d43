"""The only way an item's score changes: a ScoreEvent is written with it."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from exam_app.extensions import db
from exam_app.models import AttemptItem, ScoreEvent, User
from exam_app.models.base import utcnow


def set_score(
    item: AttemptItem,
    score: Decimal,
    *,
    source: str,
    actor: User | None,
    reason: str,
    at: datetime | None = None,
) -> None:
    """`at`: the service's clock, so history reads in the same time as the decision it records
    (appeal and regrade pass theirs); without it the event is stamped now."""
    if not Decimal(0) <= score <= item.points:
        raise ValueError(f"score {score} outside 0..{item.points}")  # a bug, not user input
    db.session.add(
        ScoreEvent(
            attempt_item_id=item.id,
            score=score,
            source=source,
            actor_id=actor.id if actor else None,
            reason=reason,
            created_at=at or utcnow(),
        )
    )
    item.score = score
