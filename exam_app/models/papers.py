"""Papers built by training leads: sections of fixed items, random draws or a choice."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exam_app.extensions import db
from exam_app.models.base import Score, utcnow

PAPER_STATUS_LABELS = {"draft": "草稿", "published": "已发布", "closed": "已关闭"}
PAPER_KIND_LABELS = {"exam": "考试", "practice": "练习"}
RELEASE_POLICY_LABELS = {
    "auto": "评阅完成后自动公布",
    "manual": "由培训负责人手动公布",
}
MARKING_RULE_LABELS = {"average": "取两评平均分", "higher": "取两评较高分"}
SECTION_MODE_LABELS = {"fixed": "固定题", "draw": "随机抽题", "choice": "任选作答"}


class Paper(db.Model):
    __tablename__ = "papers"
    __table_args__ = (
        CheckConstraint("status in ('draft', 'published', 'closed')", name="status"),
        CheckConstraint("time_limit_minutes > 0", name="time_limit"),
        CheckConstraint("release_policy in ('auto', 'manual')", name="release_policy"),
        CheckConstraint("marking_rule in ('average', 'higher')", name="marking_rule"),
        CheckConstraint("kind in ('exam', 'practice')", name="kind"),
        CheckConstraint("attempts_allowed >= 1", name="attempts_allowed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    quarter: Mapped[str] = mapped_column(String(6), index=True)  # e.g. 2026Q4
    kind: Mapped[str] = mapped_column(String(10), default="exam", server_default="exam")
    instructions: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="draft")
    time_limit_minutes: Mapped[int] = mapped_column(default=60)
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    pass_mark: Mapped[Decimal] = mapped_column(Score(), default=Decimal("60"))
    # The total the paper must add up to (满分); publishing refuses a paper that does not.
    full_marks: Mapped[Decimal | None] = mapped_column(Score())
    multi_rule: Mapped[str] = mapped_column(String(20), default="half")  # paper-wide default
    attempts_allowed: Mapped[int] = mapped_column(default=1, server_default="1")
    shuffle_items: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    shuffle_options: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    # Leaving the page more often than this submits the attempt (切屏限制); None: only recorded.
    tab_switch_limit: Mapped[int | None]
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
    # Versions: publishing freezes a paper; a revision is a new draft of the same lineage.
    lineage_id: Mapped[int | None] = mapped_column(index=True)  # id of the first version
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("papers.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]

    # Loaded when used, not with every paper: an attempt loads its paper on each save,
    # and eager sections would drag every item and question of the paper along.
    sections: Mapped[list[Section]] = relationship(
        back_populates="paper", order_by="Section.position", cascade="all, delete-orphan"
    )
    audience: Mapped[list[PaperAudience]] = relationship(cascade="all, delete-orphan")

    @property
    def status_label(self) -> str:
        return PAPER_STATUS_LABELS[self.status]

    @property
    def kind_label(self) -> str:
        return PAPER_KIND_LABELS[self.kind]

    @property
    def total_points(self) -> Decimal:
        return sum((s.total_points for s in self.sections), Decimal(0))

    @property
    def lineage(self) -> int:
        return self.lineage_id or self.id

    def is_open(self, now: datetime) -> bool:
        return self.status == "published" and self.opens_at <= now < self.closes_at


class PaperAudience(db.Model):
    """Who must sit a paper: whole departments and named people. None listed: all staff."""

    __tablename__ = "paper_audience"
    __table_args__ = (
        CheckConstraint("(department_id IS NULL) <> (user_id IS NULL)", name="department_or_user"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    paper_id: Mapped[int] = mapped_column(ForeignKey("papers.id", ondelete="CASCADE"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    department = relationship("Department", lazy="joined")
    user = relationship("User", lazy="joined")


class Section(db.Model):
    __tablename__ = "sections"
    __table_args__ = (
        CheckConstraint("mode in ('fixed', 'draw', 'choice')", name="mode"),
        UniqueConstraint("paper_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    paper_id: Mapped[int] = mapped_column(ForeignKey("papers.id", ondelete="CASCADE"))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    instructions: Mapped[str] = mapped_column(Text, default="")
    mode: Mapped[str] = mapped_column(String(10))
    # Draw rule: draw_count reviewed items matching every filter that is set, points_each each.
    draw_topic: Mapped[str | None] = mapped_column(String(100))
    draw_kind: Mapped[str | None] = mapped_column(String(10))
    draw_tag: Mapped[str | None] = mapped_column(String(50))
    draw_difficulty_min: Mapped[int | None]
    draw_difficulty_max: Mapped[int | None]
    draw_count: Mapped[int | None]
    points_each: Mapped[Decimal | None] = mapped_column(Score())
    # Choice ("12 题任选 5 题"): the first choose_count answered items count.
    choose_count: Mapped[int | None]
    # Scoring rules for the section's multi-answer and fill-in items (override the bank's).
    multi_rule: Mapped[str | None] = mapped_column(String(20))
    fill_rule: Mapped[str | None] = mapped_column(String(20))

    paper: Mapped[Paper] = relationship(back_populates="sections")
    items: Mapped[list[SectionItem]] = relationship(
        order_by="SectionItem.position", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def mode_label(self) -> str:
        return SECTION_MODE_LABELS[self.mode]

    @property
    def total_points(self) -> Decimal:
        if self.mode == "draw":
            return (self.points_each or Decimal(0)) * (self.draw_count or 0)
        if self.mode == "choice":
            return (self.points_each or Decimal(0)) * (self.choose_count or 0)
        return sum((i.points for i in self.items), Decimal(0))


class SectionItem(db.Model):
    """A fixed item of a section, with the points (and scoring rule) it has on this paper."""

    __tablename__ = "section_items"
    __table_args__ = (UniqueConstraint("section_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    position: Mapped[int]
    points: Mapped[Decimal] = mapped_column(Score())
    rule: Mapped[str | None] = mapped_column(String(20))

    question = relationship("Question", lazy="joined")
