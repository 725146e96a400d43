"""考试须知: what a person reads before pressing 开始作答, in two plain queries.

The paper's settings with whether this person may sit it and their attempts at it, then
its sections summed up (items and points per section). Nothing is drawn and no item is
read: which items an attempt gets stays unknown until the clock starts, and no key is
anywhere near this page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.orm import aliased

from exam_app.extensions import db
from exam_app.models import Attempt, Paper, Section, SectionItem, User
from exam_app.services.audience import audience_allows


@dataclass(frozen=True)
class SectionNote:
    position: int
    title: str
    mode: str
    count: int  # items shown in the section
    points: Decimal  # what the section adds to full marks
    points_each: Decimal | None
    choose_count: int | None

    @property
    def rule(self) -> str:
        """The section's rule in the words of the exam room."""
        each = f"每题 {_num(self.points_each)} 分，" if self.points_each is not None else ""
        if self.mode == "choice":
            return (
                f"{self.count} 题任选 {self.choose_count} 题作答，{each}"
                f"共 {_num(self.points)} 分；多答者按题号顺序计前 {self.choose_count} 题"
            )
        if self.mode == "draw":
            return f"{self.count} 题，{each}共 {_num(self.points)} 分，题目在开始作答时随机抽取"
        return f"{self.count} 题，共 {_num(self.points)} 分"

    @property
    def to_answer(self) -> int:
        return self.choose_count if self.mode == "choice" and self.choose_count else self.count


@dataclass(frozen=True)
class Notice:
    paper_id: int
    title: str
    quarter: str
    instructions: str
    time_limit_minutes: int
    opens_at: datetime
    closes_at: datetime
    tab_switch_limit: int | None
    pass_mark: Decimal
    attempts_allowed: int
    may_sit: bool
    published: bool
    in_progress_id: int | None  # an attempt already running: 继续作答, no notice
    attempts_used: int
    sections: list[SectionNote]

    def is_open(self, now: datetime) -> bool:
        return self.published and self.opens_at <= now < self.closes_at

    def opens_in(self, now: datetime) -> int | None:
        """Whole seconds until a published paper opens (rounded up: the button never wakes
        early); None once it has opened or when it is not published."""
        if not self.published or now >= self.opens_at:
            return None
        return max(1, math.ceil((self.opens_at - now).total_seconds()))

    @property
    def item_count(self) -> int:
        return sum(s.count for s in self.sections)

    @property
    def to_answer(self) -> int:
        return sum(s.to_answer for s in self.sections)

    @property
    def full_marks(self) -> Decimal:
        return sum((s.points for s in self.sections), Decimal(0))

    @property
    def attempts_left(self) -> int:
        return max(0, self.attempts_allowed - self.attempts_used)


def _num(value: Decimal | None) -> str:
    return "0" if value is None else f"{value.normalize():f}"


_version = aliased(Paper)
_lineage = func.coalesce(Paper.lineage_id, Paper.id)
_mine = and_(
    Attempt.paper_id == _version.id,
    func.coalesce(_version.lineage_id, _version.id) == _lineage,
    Attempt.user_id == bindparam("b_user"),
)
_PAPER = select(
    Paper.id, Paper.title, Paper.quarter, Paper.instructions, Paper.time_limit_minutes,
    Paper.opens_at, Paper.closes_at, Paper.tab_switch_limit, Paper.pass_mark,
    Paper.attempts_allowed,
    audience_allows(Paper.id, bindparam("b_user"), bindparam("b_department")).label("may_sit"),
    Paper.status,
    select(func.max(Attempt.id)).where(_mine, Attempt.status == "in_progress")
    .scalar_subquery().label("in_progress_id"),
    select(func.count(Attempt.id)).where(_mine).scalar_subquery().label("attempts_used"),
).where(Paper.id == bindparam("b_paper"), Paper.status.in_(("published", "closed")))  # fmt: skip

_SECTIONS = (
    select(Section.position, Section.title, Section.mode, Section.draw_count,
           Section.choose_count, Section.points_each, func.count(SectionItem.id),
           func.sum(SectionItem.points))
    .outerjoin(SectionItem, SectionItem.section_id == Section.id)
    .where(Section.paper_id == bindparam("b_paper"))
    .group_by(Section.id)
    .order_by(Section.position)
)  # fmt: skip


def _section(row) -> SectionNote:
    position, title, mode, draw_count, choose_count, each, items, summed = row
    each = Decimal(each) if each is not None else None
    if mode == "draw":
        count = draw_count or 0
        points = (each or Decimal(0)) * count
    elif mode == "choice":
        count = items
        points = (each or Decimal(0)) * (choose_count or 0)
    else:
        count, points = items, Decimal(summed or 0)
    return SectionNote(position, title, mode, count, points, each, choose_count)


def notice_for(paper_id: int, user: User) -> Notice | None:
    """The notice of a published (or closed) paper for this person; None if no such paper."""
    conn = db.session.connection()
    params = {"b_paper": paper_id, "b_user": user.id, "b_department": user.department_id}
    row = conn.execute(_PAPER, params).one_or_none()
    if row is None:
        return None
    sections = [_section(r) for r in conn.execute(_SECTIONS, {"b_paper": paper_id})]
    return Notice(
        paper_id=row.id, title=row.title, quarter=row.quarter, instructions=row.instructions,
        time_limit_minutes=row.time_limit_minutes, opens_at=row.opens_at,
        closes_at=row.closes_at, tab_switch_limit=row.tab_switch_limit,
        pass_mark=Decimal(row.pass_mark), attempts_allowed=row.attempts_allowed,
        may_sit=bool(row.may_sit), published=row.status == "published",
        in_progress_id=row.in_progress_id, attempts_used=row.attempts_used or 0,
        sections=sections,
    )  # fmt: skip
