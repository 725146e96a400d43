"""From item scores to a result in the staff file."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from exam_app.extensions import db
from exam_app.models import Attempt, QuarterResult
from exam_app.models.base import utcnow


def section_breakdown(attempt: Attempt) -> list[dict]:
    sections: dict[int, dict] = {}
    for item in attempt.items:
        row = sections.setdefault(
            item.section_position,
            {"title": item.section_title, "score": Decimal(0), "max": Decimal(0)},
        )
        row["score"] += item.score or Decimal(0)
        row["max"] += item.points
    return [
        {"title": r["title"], "score": str(r["score"]), "max": str(r["max"])}
        for _, r in sorted(sections.items())
    ]


def finalise_if_graded(attempt: Attempt, now: datetime | None = None) -> bool:
    """When the last item has its score, total the attempt and release it."""
    if attempt.status != "submitted" or any(
        i.needs_review or i.score is None for i in attempt.items
    ):
        return False
    now = now or utcnow()
    attempt.total = sum((i.score for i in attempt.items), Decimal(0))
    attempt.passed = attempt.total >= attempt.paper.pass_mark
    attempt.status = "graded"
    attempt.graded_at = now
    release(attempt, now)
    return True


def release(attempt: Attempt, now: datetime | None = None) -> None:
    """Show the result to the candidate and write it into their staff file."""
    now = now or utcnow()
    attempt.status = "released"
    attempt.released_at = now
    db.session.add(
        QuarterResult(
            user_id=attempt.user_id,
            quarter=attempt.paper.quarter,
            attempt_id=attempt.id,
            paper_title=attempt.paper.title,
            total=attempt.total,
            max_total=attempt.max_total,
            passed=bool(attempt.passed),
            sections=section_breakdown(attempt),
            recorded_at=now,
        )
    )
    db.session.commit()
