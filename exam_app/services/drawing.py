"""Which items a candidate gets, in which order.

Fixed and choice sections give their items as built. A draw takes the least-used items
of its pool first (so candidates sitting one after another see different items), ties
broken by the attempt's seed. The draw is a pure function of the pool, the usage counts
it saw and the seed; the attempt stores all three, so any draw can be replayed.

Items of one exclusion group (互斥组, the same question written twice) never meet in one
attempt, across sections: the groups of the paper's fixed items and of each draw so far are
left out of the next section's pool, and within a section the least-used item of a group is
taken and the rest of its group skipped. A logged pool entry is [uid, uses], or [uid, uses,
group] for a grouped item, so replaying needs nothing else.
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


def pick(pool_with_uses: list[tuple], count: int, rng: random.Random) -> list[str]:
    """The `count` least-used uids; among equally used ones, a seeded random order; at most
    one uid of each exclusion group. Entries are (uid, uses) or (uid, uses, group)."""
    keyed = sorted((entry[1], rng.random(), entry[0], _group(entry)) for entry in pool_with_uses)
    chosen: list[str] = []
    groups: set[str] = set()
    for _uses, _tie, uid, group in keyed:
        if len(chosen) == count:
            break
        if group is not None:
            if group in groups:
                continue
            groups.add(group)
        chosen.append(uid)
    return chosen


def _group(entry) -> str | None:
    return entry[2] if len(entry) > 2 else None


def places(pool_with_uses: list[tuple]) -> int:
    """How many items a section can draw from this pool: one per exclusion group."""
    groups = {_group(e) for e in pool_with_uses} - {None}
    return sum(1 for e in pool_with_uses if _group(e) is None) + len(groups)


def draw_items(paper: Paper, seed: int, uses: dict[int, int] | None = None) -> Draw:
    """`uses`: usage counts kept by a caller drawing for many people in one go (preparing a
    paper): read once, then counted up here as items are drawn, instead of a grouped query
    over every attempt item per person."""
    rng = random.Random(seed)
    taken: set[int] = set()
    drawn: list[DrawnItem] = []
    log: list[dict] = []
    fixed = [i for s in paper.sections if s.mode != "draw" for i in s.items]
    fixed_ids = {i.question_id for i in fixed}
    # A fixed item's group is taken wherever its section stands in the paper.
    blocked = {i.question.exclusion_group for i in fixed} - {None}
    for section in paper.sections:
        if section.mode != "draw":
            for item in section.items:
                taken.add(item.question_id)
                drawn.append(DrawnItem(section, item.question, item.points, item.rule))
            continue
        unused = [q for q in pool(section) if q.id not in taken and q.id not in fixed_ids]
        candidates = [q for q in unused if q.exclusion_group not in blocked]
        count = section.draw_count or 0
        open_places = places([(q.uid, 0, q.exclusion_group) for q in candidates])
        if open_places < count:
            grouped = "" if open_places == len(unused) else "；同一互斥组的题一次考试只出一道"
            raise ServiceError(
                f"第 {section.position} 大题「{section.title}」题库中可用题不足"
                f"（需要 {count} 道，只有 {open_places} 道{grouped}），请联系培训负责人。"
            )
        if uses is None:
            counts = usage_counts([q.id for q in candidates])
        else:
            missing = [q.id for q in candidates if q.id not in uses]
            uses.update({qid: 0 for qid in missing} | usage_counts(missing))
            counts = uses
        pool_with_uses = [
            (q.uid, counts.get(q.id, 0))
            if q.exclusion_group is None
            else (q.uid, counts.get(q.id, 0), q.exclusion_group)
            for q in candidates
        ]
        log.append({"section": section.position, "pool": [list(p) for p in pool_with_uses]})
        by_uid = {q.uid: q for q in candidates}
        for uid in pick(pool_with_uses, count, rng):
            taken.add(by_uid[uid].id)
            if by_uid[uid].exclusion_group is not None:
                blocked.add(by_uid[uid].exclusion_group)
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
