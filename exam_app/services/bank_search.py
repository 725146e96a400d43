"""Finding bank items to put on a paper by hand: text, 知识点, 题型, 难度 and tag.

Read only. Only reviewed items are offered: drafts cannot go on a paper.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select

from exam_app.extensions import db
from exam_app.grading import KIND_LABELS
from exam_app.models import Question

SHOWN = 50


@dataclass(frozen=True)
class ItemFilter:
    q: str = ""
    topic: str = ""
    kind: str = ""
    difficulty: int | None = None
    tag: str = ""

    @classmethod
    def from_args(cls, args) -> ItemFilter:
        difficulty = args.get("difficulty", type=int)
        return cls(
            q=(args.get("q") or "").strip()[:100],
            topic=(args.get("topic") or "").strip(),
            kind=(args.get("kind") or "").strip() if args.get("kind") in KIND_LABELS else "",
            difficulty=difficulty if difficulty in range(1, 6) else None,
            tag=(args.get("tag") or "").strip(),
        )

    @property
    def given(self) -> bool:
        return bool(self.q or self.topic or self.kind or self.difficulty or self.tag)


@dataclass(frozen=True)
class Found:
    questions: list[Question]  # at most SHOWN
    total: int


def find_items(wanted: ItemFilter) -> Found:
    query = select(Question).where(Question.status == "reviewed")
    if wanted.topic:
        query = query.where(Question.topic == wanted.topic)
    if wanted.kind:
        query = query.where(Question.kind == wanted.kind)
    if wanted.difficulty:
        query = query.where(Question.difficulty == wanted.difficulty)
    if wanted.q:
        like = f"%{wanted.q.replace('%', '').replace('_', '')}%"
        query = query.where(or_(Question.uid.ilike(like), Question.stem.ilike(like)))
    rows = db.session.scalars(query.order_by(Question.topic, Question.uid)).all()
    if wanted.tag:  # tags live in a JSON list: filtered here, as draw pools are
        rows = [q for q in rows if wanted.tag in (q.tags or [])]
    return Found(list(rows[:SHOWN]), len(rows))


def all_tags() -> list[str]:
    tags: set[str] = set()
    for row in db.session.scalars(select(Question.tags).where(Question.status == "reviewed")):
        tags.update(row or [])
    return sorted(tags)
