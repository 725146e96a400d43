"""The result page's summary counted by the database: per section the points scored and
possible and how many items were right, partly right or wrong, as result_view.summarise
counts them from the items (which the items page still does, having them).

Where 交卷 lands the whole centre arrives within minutes, and the summary is all that page
shows of the items: a few rows instead of a hundred, without their answers. Scores are
summed as whole cents, exact on both databases (SQLite keeps a score as text).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Integer, Numeric, and_, bindparam, case, cast, func, select

from exam_app.database import read_alone
from exam_app.models import AttemptItem

_i = AttemptItem.__table__


def _cents(value):
    return func.round(cast(value, Numeric) * 100)


_counted = _i.c.counted.is_(True)
_score, _points = _cents(func.coalesce(_i.c.score, 0)), _cents(_i.c.points)  # unscored: 0


def _total(expression):
    return cast(func.sum(case((_counted, expression), else_=0)), Integer)


# As result_view.outcome decides it: full points right, some partly right, none wrong.
_SECTIONS = (
    select(_i.c.section_position, _i.c.section_title, _total(_score), _total(_points),
           _total(case((_score >= _points, 1), else_=0)),
           _total(case((and_(_score < _points, _score > 0), 1), else_=0)),
           _total(case((and_(_score < _points, _score <= 0), 1), else_=0)))
    .where(_i.c.attempt_id == bindparam("attempt_id"))
    .group_by(_i.c.section_position, _i.c.section_title)
    .order_by(_i.c.section_position)
)  # fmt: skip


@dataclass(frozen=True)
class SectionOutcomes:
    position: int
    title: str
    score: Decimal
    max: Decimal
    right: int
    partial: int
    wrong: int


def section_outcomes(attempt_id: int) -> list[SectionOutcomes]:
    """Each section of the attempt, in order, with what its counted items scored."""
    return [
        SectionOutcomes(position, title, Decimal(score) / 100, Decimal(most) / 100, *counts)
        for position, title, score, most, *counts in read_alone(
            _SECTIONS, {"attempt_id": attempt_id}
        )
    ]
