"""After a score changes on a finished attempt: its total, pass and staff-file row follow."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from exam_app.extensions import db
from exam_app.models import Attempt, QuarterResult
from exam_app.services.results import section_breakdown


def retotal(attempt: Attempt) -> None:
    """Re-add a graded or released attempt from its item scores and update its QuarterResult.

    Attempts still being marked are totalled when the last mark lands (finalise_if_graded).
    The caller commits; the old values stay readable in the ScoreEvent history.
    """
    if attempt.status not in ("graded", "released"):
        return
    total = sum((i.score or Decimal(0) for i in attempt.items if i.counted), Decimal(0))
    attempt.total = total
    attempt.passed = total >= attempt.paper.pass_mark
    result = db.session.scalar(select(QuarterResult).where(QuarterResult.attempt_id == attempt.id))
    if result is not None:
        result.total, result.passed = total, attempt.passed
        result.sections = section_breakdown(attempt)
