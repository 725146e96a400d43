"""Which items a candidate gets: fixed items as built, draws from the reviewed pool.

The draw is a pure function of the paper and the attempt's seed, so an attempt can be
re-drawn for an audit and two candidates usually get different items.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from exam_app.extensions import db
from exam_app.models import Paper, Question, Section
from exam_app.services.errors import ServiceError


@dataclass(frozen=True)
class DrawnItem:
    section: Section
    question: Question
    points: Decimal


def _pool(section: Section, taken: set[int]) -> list[Question]:
    query = select(Question).where(
        Question.topic == section.draw_topic, Question.status == "reviewed"
    )
    if section.draw_kind:
        query = query.where(Question.kind == section.draw_kind)
    # Ordered by the stable id so the same seed draws the same items on any database.
    return [q for q in db.session.scalars(query.order_by(Question.uid)) if q.id not in taken]


def draw_items(paper: Paper, seed: int) -> list[DrawnItem]:
    rng = random.Random(seed)
    taken: set[int] = set()
    drawn: list[DrawnItem] = []
    for section in paper.sections:
        if section.mode == "fixed":
            chosen = [(i.question, i.points) for i in section.items]
        else:
            pool = _pool(section, taken)
            count = section.draw_count or 0
            if len(pool) < count:
                raise ServiceError(
                    f"第 {section.position} 大题「{section.title}」题库中可用题不足"
                    f"（需要 {count} 道，只有 {len(pool)} 道），请联系培训负责人。"
                )
            chosen = [(q, section.points_each) for q in rng.sample(pool, count)]
        for question, points in chosen:
            taken.add(question.id)
            drawn.append(DrawnItem(section, question, points))
    return drawn
