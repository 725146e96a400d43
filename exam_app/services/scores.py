"""The only way an item's score changes: a ScoreEvent is written with it."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import insert

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
    set_scores([(item, score)], source=source, actor=actor, reason=reason, at=at)


def set_scores(
    scored: list[tuple[AttemptItem, Decimal]],
    *,
    source: str,
    actor: User | None,
    reason: str,
    at: datetime | None = None,
) -> None:
    """Several items for one reason (a submission grades 100 at once): their events go in
    one multi-row INSERT rather than one INSERT ... RETURNING each."""
    if not scored:
        return
    at = at or utcnow()
    rows = []
    for item, score in scored:
        if not Decimal(0) <= score <= item.points:
            raise ValueError(f"score {score} outside 0..{item.points}")  # a bug, not user input
        item.score = score
        rows.append(
            {
                "attempt_item_id": item.id,
                "score": score,
                "source": source,
                "actor_id": actor.id if actor else None,
                "reason": reason,
                "created_at": at,
            }
        )
    # Core, not the ORM's bulk insert: no objects, no RETURNING, one executemany.
    db.session.connection().execute(insert(ScoreEvent.__table__), rows)
