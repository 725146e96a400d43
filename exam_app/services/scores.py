"""The only way an item's score changes: a ScoreEvent is written with it."""

from __future__ import annotations

from decimal import Decimal

from exam_app.extensions import db
from exam_app.models import AttemptItem, ScoreEvent, User


def set_score(
    item: AttemptItem, score: Decimal, *, source: str, actor: User | None, reason: str
) -> None:
    if not Decimal(0) <= score <= item.points:
        raise ValueError(f"score {score} outside 0..{item.points}")  # a bug, not user input
    db.session.add(
        ScoreEvent(
            attempt_item_id=item.id,
            score=score,
            source=source,
            actor_id=actor.id if actor else None,
            reason=reason,
        )
    )
    item.score = score
