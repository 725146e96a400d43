"""Papers built by training leads: sections of fixed items or random draws."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exam_app.extensions import db
from exam_app.models.base import Score, utcnow

PAPER_STATUS_LABELS = {"draft": "草稿", "published": "已发布", "closed": "已关闭"}
RELEASE_POLICY_LABELS = {
    "auto": "评阅完成后自动公布",
    "manual": "由培训负责人手动公布",
}
MARKING_RULE_LABELS = {"average": "取两评平均分", "higher": "取两评较高分"}


class Paper(db.Model):
    __tablename__ = "papers"
    __table_args__ = (
        CheckConstraint("status in ('draft', 'published', 'closed')", name="status"),
        CheckConstraint("time_limit_minutes > 0", name="time_limit"),
        CheckConstraint("release_policy in ('auto', 'manual')", name="release_policy"),
        CheckConstraint("marking_rule in ('average', 'higher')", name="marking_rule"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    quarter: Mapped[str] = mapped_column(String(6), index=True)  # e.g. 2026Q4
    instructions: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="draft")
    time_limit_minutes: Mapped[int] = mapped_column(default=60)
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    pass_mark: Mapped[Decimal] = mapped_column(Score(), default=Decimal("60"))
    multi_rule: Mapped[str] = mapped_column(String(20), default="half")  # paper-wide default
    # Results: released as soon as everything is graded, or held for the lead.
    release_policy: Mapped[str] = mapped_column(String(10), default="auto", server_default="auto")
    # Double marking of essay answers: two reviewers; beyond the tolerance a third, then the lead.
    double_marking: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    marking_tolerance: Mapped[Decimal] = mapped_column(
        Score(), default=Decimal("2"), server_default="2"
    )
    marking_rule: Mapped[str] = mapped_column(
        String(10), default="average", server_default="average"
    )
    # Appeals are accepted for this many working days after release.
    appeal_days: Mapped[int] = mapped_column(default=5, server_default="5")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]

    sections: Mapped[list[Section]] = relationship(
        back_populates="paper",
        order_by="Section.position",
        cascade="all, delete-orphan",
        lazy="selectin",
    )

    @property
    def status_label(self) -> str:
        return PAPER_STATUS_LABELS[self.status]

    @property
    def total_points(self) -> Decimal:
        return sum((s.total_points for s in self.sections), Decimal(0))

    def is_open(self, now: datetime) -> bool:
        return self.status == "published" and self.opens_at <= now < self.closes_at


class Section(db.Model):
    __tablename__ = "sections"
    __table_args__ = (
        CheckConstraint("mode in ('fixed', 'draw')", name="mode"),
        UniqueConstraint("paper_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    paper_id: Mapped[int] = mapped_column(ForeignKey("papers.id", ondelete="CASCADE"))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    instructions: Mapped[str] = mapped_column(Text, default="")
    mode: Mapped[str] = mapped_column(String(10))
    # Draw rule: draw_count items of draw_topic (and draw_kind if set), points_each each.
    draw_topic: Mapped[str | None] = mapped_column(String(100))
    draw_kind: Mapped[str | None] = mapped_column(String(10))
    draw_count: Mapped[int | None]
    points_each: Mapped[Decimal | None] = mapped_column(Score())

    paper: Mapped[Paper] = relationship(back_populates="sections")
    items: Mapped[list[SectionItem]] = relationship(
        order_by="SectionItem.position", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def total_points(self) -> Decimal:
        if self.mode == "draw":
            return (self.points_each or Decimal(0)) * (self.draw_count or 0)
        return sum((i.points for i in self.items), Decimal(0))


class SectionItem(db.Model):
    """A fixed item of a section, with the points it carries on this paper."""

    __tablename__ = "section_items"
    __table_args__ = (UniqueConstraint("section_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    position: Mapped[int]
    points: Mapped[Decimal] = mapped_column(Score())

    question = relationship("Question", lazy="joined")
