"""Which items a candidate gets, in which order.

Fixed and choice sections give their items as built. A draw takes the least-used items
of its pool first (so candidates sitting one after another see different items), ties
broken by the attempt's seed. The draw is a pure function of the pool, the usage counts
it saw and the seed; the attempt stores all three, so any draw can be replayed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from exam_app.extensions import db
from exam_app.models import AttemptItem, Paper, Question, Section
from exam_app.services.errors import ServiceError
from exam_app.services.paper_sections import pool


@dataclass(frozen=True)
class DrawnItem:
    section: Section
    question: Question
    points: Decimal
    rule_override: str | None = None  # a rule set on this item of the paper


@dataclass
class Draw:
    items: list[DrawnItem]
    log: list[dict]  # per draw section: {"section": position, "pool": [[uid, uses], …]}


def usage_counts(question_ids: list[int]) -> dict[int, int]:
    """How many attempts have drawn each item: one grouped query for the whole pool."""
    if not question_ids:
        return {}
    rows = db.session.execute(
        select(AttemptItem.question_id, func.count())
        .where(AttemptItem.question_id.in_(question_ids))
        .group_by(AttemptItem.question_id)
    )
    return dict(rows.all())


def pick(pool_with_uses: list[tuple[str, int]], count: int, rng: random.Random) -> list[str]:
    """The `count` least-used uids; among equally used ones, a seeded random order."""
    keyed = [(uses, rng.random(), uid) for uid, uses in pool_with_uses]
    return [uid for _uses, _tie, uid in sorted(keyed)[:count]]


def draw_items(paper: Paper, seed: int, uses: dict[int, int] | None = None) -> Draw:
    """`uses`: usage counts kept by a caller drawing for many people in one go (preparing a
    paper): read once, then counted up here as items are drawn, instead of a grouped query
    over every attempt item per person."""
    rng = random.Random(seed)
    taken: set[int] = set()
    drawn: list[DrawnItem] = []
    log: list[dict] = []
    fixed_ids = {i.question_id for s in paper.sections if s.mode != "draw" for i in s.items}
    for section in paper.sections:
        if section.mode != "draw":
            for item in section.items:
                taken.add(item.question_id)
                drawn.append(DrawnItem(section, item.question, item.points, item.rule))
            continue
        candidates = [q for q in pool(section) if q.id not in taken and q.id not in fixed_ids]
        count = section.draw_count or 0
        if len(candidates) < count:
            raise ServiceError(
                f"第 {section.position} 大题「{section.title}」题库中可用题不足"
                f"（需要 {count} 道，只有 {len(candidates)} 道），请联系培训负责人。"
            )
        if uses is None:
            counts = usage_counts([q.id for q in candidates])
        else:
            missing = [q.id for q in candidates if q.id not in uses]
            uses.update({qid: 0 for qid in missing} | usage_counts(missing))
            counts = uses
        pool_with_uses = [(q.uid, counts.get(q.id, 0)) for q in candidates]
        log.append({"section": section.position, "pool": [list(p) for p in pool_with_uses]})
        by_uid = {q.uid: q for q in candidates}
        for uid in pick(pool_with_uses, count, rng):
            taken.add(by_uid[uid].id)
            drawn.append(DrawnItem(section, by_uid[uid], section.points_each))
    if uses is not None:
        for d in drawn:
            uses[d.question.id] = uses.get(d.question.id, 0) + 1
    return Draw(drawn, log)


def replay(log: list[dict], seed: int, counts: dict[int, int]) -> dict[int, list[str]]:
    """The uids each draw section gets from a stored log and seed (for audits and tests)."""
    rng = random.Random(seed)
    return {
        entry["section"]: pick([tuple(p) for p in entry["pool"]], counts[entry["section"]], rng)
        for entry in log
    }


def arrange(drawn: list[DrawnItem], *, shuffle: bool, rng: random.Random) -> list[DrawnItem]:
    """Sections stay in order; items within each section are shuffled when asked."""
    if not shuffle:
        return drawn
    ordered: list[DrawnItem] = []
    for position in dict.fromkeys(d.section.position for d in drawn):
        group = [d for d in drawn if d.section.position == position]
        rng.shuffle(group)
        ordered.extend(group)
    return ordered
