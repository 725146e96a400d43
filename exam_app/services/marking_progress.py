"""What the lead sees of marking: progress per paper, question and reviewer, open work,
answers waiting for arbitration, and the marks behind the consistency view.

Read-only, and a fixed number of queries per page whatever the number of answers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import case, func, select

from exam_app.extensions import db
from exam_app.grading.consistency import GivenMark
from exam_app.models import (
    Attempt,
    AttemptItem,
    MarkingTask,
    Paper,
    Question,
    ResultRelease,
    Review,
    Role,
    User,
    UserRole,
)
from exam_app.models.marking import ARBITRATION, MARK
from exam_app.services.marking import held_clause


@dataclass
class Counts:
    done: int = 0
    held: int = 0  # claimed or assigned, not yet done
    free: int = 0  # nobody holds it (or the claim ran out)
    arbitration: int = 0  # answers waiting for the lead

    @property
    def total(self) -> int:
        return self.done + self.held + self.free

    def add(self, kind: str, status: str, n: int, held: int) -> None:
        """n tasks of one kind and status, `held` of them held by someone right now."""
        if kind == ARBITRATION:
            self.arbitration += n if status == "open" else 0
        elif status == "done":
            self.done += n
        else:
            self.held += held
            self.free += n - held


@dataclass
class PaperProgress:
    paper: Paper
    marks: Counts = field(default_factory=Counts)
    attempts: dict[str, int] = field(default_factory=dict)  # status -> count
    decision: ResultRelease | None = None

    @property
    def releasable(self) -> int:
        return self.attempts.get("graded", 0)

    @property
    def unfinished(self) -> int:
        return self.attempts.get("in_progress", 0) + self.attempts.get("submitted", 0)


def _counts(now: datetime):
    """How many tasks, and how many of them held right now (summed, not grouped: PostgreSQL
    would not match a grouped CASE with its own bound parameters to the selected one)."""
    return func.count(), func.sum(case((held_clause(now), 1), else_=0))


def _task_counts(now: datetime, *keys, paper_id: int | None = None):
    query = (
        select(*keys, MarkingTask.kind, MarkingTask.status, *_counts(now))
        .select_from(MarkingTask)
        .join(AttemptItem, MarkingTask.attempt_item_id == AttemptItem.id)
        .join(Attempt, AttemptItem.attempt_id == Attempt.id)
        .group_by(*keys, MarkingTask.kind, MarkingTask.status)
    )
    if paper_id is not None:
        query = query.where(Attempt.paper_id == paper_id)
    return db.session.execute(query).all()


def papers_overview(now: datetime) -> list[PaperProgress]:
    attempts = db.session.execute(
        select(Attempt.paper_id, Attempt.status, func.count()).group_by(
            Attempt.paper_id, Attempt.status
        )
    ).all()
    if not attempts:
        return []
    papers = db.session.scalars(
        select(Paper)
        .where(Paper.id.in_({paper_id for paper_id, _, _ in attempts}))
        .order_by(Paper.opens_at.desc())
    ).all()
    rows = {p.id: PaperProgress(p) for p in papers}
    for paper_id, status, n in attempts:
        rows[paper_id].attempts[status] = n
    for paper_id, kind, status, n, held in _task_counts(now, Attempt.paper_id):
        rows[paper_id].marks.add(kind, status, n, held)
    for decision in db.session.scalars(
        select(ResultRelease).where(ResultRelease.paper_id.in_(rows))
    ):
        rows[decision.paper_id].decision = decision
    return list(rows.values())


@dataclass
class QuestionProgress:
    question_id: int | None
    uid: str | None
    marks: Counts = field(default_factory=Counts)


def by_question(paper: Paper, now: datetime) -> list[QuestionProgress]:
    rows: dict[int | None, QuestionProgress] = {}
    labels = (AttemptItem.question_id, Question.uid)
    query = (
        select(*labels, MarkingTask.kind, MarkingTask.status, *_counts(now))
        .select_from(MarkingTask)
        .join(AttemptItem, MarkingTask.attempt_item_id == AttemptItem.id)
        .join(Attempt, AttemptItem.attempt_id == Attempt.id)
        .outerjoin(Question, AttemptItem.question_id == Question.id)
        .where(Attempt.paper_id == paper.id)
        .group_by(*labels, MarkingTask.kind, MarkingTask.status)
        .order_by(Question.uid)
    )
    for question_id, uid, kind, status, n, held in db.session.execute(query):
        rows.setdefault(question_id, QuestionProgress(question_id, uid)).marks.add(
            kind, status, n, held
        )
    return list(rows.values())


@dataclass
class ReviewerProgress:
    reviewer_id: int
    name: str
    username: str
    marks: Counts = field(default_factory=Counts)


def by_reviewer(paper: Paper, now: datetime) -> list[ReviewerProgress]:
    """Marks done and held per reviewer on this paper (the lead's arbitrations left out)."""
    rows: dict[int, ReviewerProgress] = {}
    query = (
        select(User.id, User.name, User.username, MarkingTask.status, *_counts(now))
        .select_from(MarkingTask)
        .join(User, MarkingTask.holder_id == User.id)
        .join(AttemptItem, MarkingTask.attempt_item_id == AttemptItem.id)
        .join(Attempt, AttemptItem.attempt_id == Attempt.id)
        .where(Attempt.paper_id == paper.id, MarkingTask.kind == MARK)
        .group_by(User.id, User.name, User.username, MarkingTask.status)
        .order_by(User.name)
    )
    for user_id, name, username, status, n, held in db.session.execute(query):
        progress = rows.setdefault(user_id, ReviewerProgress(user_id, name, username))
        progress.marks.add(MARK, status, n, held)
    return list(rows.values())


@dataclass(frozen=True)
class OpenTask:
    task: MarkingTask
    candidate_code: str
    position: int
    holder_name: str | None
    held: bool


def open_tasks(paper: Paper, now: datetime, limit: int = 500) -> list[OpenTask]:
    """Marks not yet given on this paper, oldest submission first: the lead's reassigning list."""
    query = (
        select(
            MarkingTask,
            Attempt.candidate_code,
            AttemptItem.position,
            User.name,
            case((held_clause(now), True), else_=False),
        )
        .join(AttemptItem, MarkingTask.attempt_item_id == AttemptItem.id)
        .join(Attempt, AttemptItem.attempt_id == Attempt.id)
        .outerjoin(User, MarkingTask.holder_id == User.id)
        .where(Attempt.paper_id == paper.id, MarkingTask.status == "open")
        .order_by(Attempt.submitted_at, Attempt.id, AttemptItem.position, MarkingTask.slot)
        .limit(limit)
    )
    return [OpenTask(*row) for row in db.session.execute(query)]


def reviewers() -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == str(Role.REVIEWER), User.is_active_account.is_(True))
            .order_by(User.name)
        )
    )


def marked_papers() -> list[Paper]:
    marked = (
        select(Attempt.paper_id)
        .join(AttemptItem, AttemptItem.attempt_id == Attempt.id)
        .join(MarkingTask, MarkingTask.attempt_item_id == AttemptItem.id)
    )
    return list(
        db.session.scalars(
            select(Paper).where(Paper.id.in_(marked)).order_by(Paper.opens_at.desc())
        )
    )


def consistency_marks(paper_id: int | None = None) -> tuple[list[GivenMark], dict[int, User]]:
    """Every reviewer's mark (arbitrations left out) as the pure consistency function takes
    them, and the reviewers by id: two queries whatever the number of marks."""
    query = (
        select(
            Review.reviewer_id,
            AttemptItem.question_id,
            AttemptItem.id,
            MarkingTask.slot,
            Review.total,
            AttemptItem.points,
            Paper.marking_tolerance,
        )  # fmt: skip
        .join(MarkingTask, Review.task_id == MarkingTask.id)
        .join(AttemptItem, Review.attempt_item_id == AttemptItem.id)
        .join(Attempt, AttemptItem.attempt_id == Attempt.id)
        .join(Paper, Attempt.paper_id == Paper.id)
        .where(MarkingTask.kind == MARK)
    )
    if paper_id is not None:
        query = query.where(Attempt.paper_id == paper_id)
    slots: dict[int, set[int]] = defaultdict(set)
    rows = db.session.execute(query).all()
    for row in rows:
        slots[row.id].add(row.slot)
    marks = [
        GivenMark(
            reviewer=r.reviewer_id,
            question=r.question_id,
            answer=r.id,
            slot=r.slot,
            score=r.total,
            points=r.points,
            # Double marked when a second mark exists (the paper's setting may change later).
            tolerance=r.marking_tolerance if 2 in slots[r.id] else None,
        )
        for r in rows
    ]
    ids = {m.reviewer for m in marks}
    people = db.session.scalars(select(User).where(User.id.in_(ids))).all() if ids else []
    return marks, {u.id: u for u in people}
