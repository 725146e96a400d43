"""The result page's summary counted by the database (services/result_sections.py) is the
one result_view.summarise counts from the items, on both databases, whatever the scores:
whole and fractional points, none, unscored, 任选 items left uncounted, items worth 0."""

from __future__ import annotations

import random
from decimal import Decimal

from sqlalchemy import select

from exam_app.exams.result_view import summarise, summary_of
from exam_app.extensions import db
from exam_app.models import AttemptItem, Role
from exam_app.services.attempts import start_attempt
from exam_app.services.result_sections import section_outcomes
from exam_app.services.results import items_for_result_page
from tests.factories import loop_paper, person


def _as_compared(summary):
    return (
        [(s.position, s.title, s.score, s.max, s.counts) for s in summary.sections],
        summary.counts,
    )


def _items(attempt):
    return db.session.scalars(
        select(AttemptItem).where(AttemptItem.attempt_id == attempt.id).order_by(AttemptItem.position)
    ).all()  # fmt: skip


def test_the_summary_by_the_database_is_the_summary_from_the_items(app):
    attempt = start_attempt(loop_paper(person("lead", Role.LEAD)), person("s", Role.STAFF))
    items = _items(attempt)
    # Known case first: right, partly right, wrong, unscored, uncounted, worth 0.
    plan = [("2", "2", True), ("2", "0.5", True), ("2", "0", True), ("5", None, True),
            ("3", None, False), ("0", "0", True)]  # fmt: skip
    for item, (points, score, counted) in zip(items, plan, strict=True):
        item.points = Decimal(points)
        item.score = None if score is None else Decimal(score)
        item.counted = counted
    db.session.commit()
    summary = summary_of(section_outcomes(attempt.id))
    assert summary.counts == {"right": 2, "partial": 1, "wrong": 2}
    assert _as_compared(summary) == _as_compared(summarise(items_for_result_page(attempt)))
    assert sum(s.score for s in summary.sections) == Decimal("2.50")
    assert sum(s.max for s in summary.sections) == Decimal("11")
    rng = random.Random(12)
    for _ in range(30):
        for item in items:
            item.points = Decimal(rng.choice(["0", "1", "2", "2.5", "5", "10", "12.75"]))
            cents = rng.choice([None, 0, rng.randrange(int(item.points * 100) + 1)])
            item.score = None if cents is None else (Decimal(cents) / 100).quantize(Decimal("0.01"))
            if item.score is not None and rng.random() < 0.3:
                item.score = item.points
            item.counted = rng.random() < 0.85
        db.session.commit()
        expected = _as_compared(summarise(items_for_result_page(attempt)))
        assert _as_compared(summary_of(section_outcomes(attempt.id))) == expected
