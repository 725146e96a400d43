"""Reading a staff file: released results per quarter, newest first."""

from __future__ import annotations

from sqlalchemy import select

from exam_app.extensions import db
from exam_app.models import QuarterResult, User


def results_of(user: User) -> list[QuarterResult]:
    return list(
        db.session.scalars(
            select(QuarterResult)
            .where(QuarterResult.user_id == user.id)
            .order_by(QuarterResult.quarter.desc(), QuarterResult.recorded_at.desc())
        )
    )
