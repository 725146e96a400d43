"""From item scores to a result in the staff file: grading, release (or hold), feedback."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import bindparam, func, select, update

from exam_app.extensions import db
from exam_app.grading.decimals import format_decimal
from exam_app.grading.marking_decisions import combined_criteria
from exam_app.models import (
    Attempt,
    AttemptItem,
    ItemSnapshot,
    Paper,
    QuarterResult,
    ResultRelease,
    Review,
    User,
)
from exam_app.models.base import utcnow
from exam_app.services.errors import ServiceError
from exam_app.services.marking import open_tasks


def section_breakdown(attempt: Attempt, items: list[AttemptItem] | None = None) -> list[dict]:
    sections: dict[int, dict] = {}
    for item in attempt.items if items is None else items:
        row = sections.setdefault(
            item.section_position,
            {"title": item.section_title, "score": Decimal(0), "max": Decimal(0)},
        )
        if item.counted:  # "任选" items beyond the chosen number carry no points
            row["score"] += item.score or Decimal(0)
            row["max"] += item.points
    return [
        {"title": r["title"], "score": str(r["score"]), "max": str(r["max"])}
        for _, r in sorted(sections.items())
    ]


def release_due(paper: Paper) -> bool:
    """Whether a graded attempt of `paper` goes out now: the lead's decision, else the policy."""
    decision = db.session.get(ResultRelease, paper.id)
    if decision is not None:
        return decision.state == "released"
    return paper.release_policy == "auto"


def finalise_if_graded(
    attempt: Attempt, now: datetime | None = None, items: list[AttemptItem] | None = None
) -> bool:
    """Every grading step ends here: answers still waiting get their marking tasks; once the
    last counted item has its score the attempt is totalled, graded, and released if due.

    `items`: the attempt's items as the caller has just scored them in this transaction
    (submission); others pass none and the items are read afresh. Grading and release are
    committed together, so a submission is one transaction after its claim."""
    now = now or utcnow()
    # The submission knows which answers wait for a reviewer; others look in the database.
    waiting = items is None or any(i.needs_review for i in items)
    if attempt.status == "submitted" and waiting and open_tasks(attempt):
        return False  # answers now wait for their reviewers
    if items is None:
        # Fresh from the database: another reviewer may have just settled a sibling item.
        items = db.session.scalars(
            select(AttemptItem)
            .where(AttemptItem.attempt_id == attempt.id)
            .execution_options(populate_existing=True)
        ).all()
    counted = [i for i in items if i.counted]
    if any(i.needs_review or i.score is None for i in counted):
        db.session.commit()
        return False
    total = sum((i.score for i in counted), Decimal(0))
    # Graded and, when due, released in the same UPDATE: a submission is claimed, scored,
    # totalled, released and filed in one transaction.
    due = release_due(attempt.paper)
    values = {"status": "released" if due else "graded", "graded_at": now, "total": total,
              "passed": total >= attempt.paper.pass_mark}  # fmt: skip
    if due:
        values["released_at"] = now
    graded = db.session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.status == "submitted")
        .values(**values)
        .execution_options(synchronize_session="evaluate")  # `attempt` carries the new values
    )
    if graded.rowcount != 1:
        db.session.commit()
        db.session.refresh(attempt)
        return False  # someone else graded it a moment ago
    if due:
        _file(attempt, now, items)
    db.session.commit()
    return True


def release(
    attempt: Attempt, now: datetime | None = None, items: list[AttemptItem] | None = None
) -> bool:
    """Show a graded result to the candidate and write it into their staff file, once."""
    now = now or utcnow()
    released = db.session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.status == "graded")
        .values(status="released", released_at=now)
        .execution_options(synchronize_session="evaluate")
    )
    if released.rowcount != 1:
        db.session.rollback()
        return False
    if items is None:
        db.session.refresh(attempt)  # the total another request may have written
    _file(attempt, now, items)
    db.session.commit()
    return True


def _file(attempt: Attempt, now: datetime, items: list[AttemptItem] | None) -> None:
    """A released result goes into the staff file (practice papers record nothing)."""
    if attempt.paper.kind == "practice":
        return
    db.session.add(
        QuarterResult(
            user_id=attempt.user_id,
            quarter=attempt.paper.quarter,
            attempt_id=attempt.id,
            paper_title=attempt.paper.title,
            total=attempt.total,
            max_total=attempt.max_total,
            passed=bool(attempt.passed),
            sections=section_breakdown(attempt, items),
            recorded_at=now,
        )
    )


def unfinished(paper: Paper) -> dict[str, int]:
    """Attempts of `paper` still being sat or marked, by status."""
    return dict(
        db.session.execute(
            select(Attempt.status, func.count())
            .where(Attempt.paper_id == paper.id, Attempt.status.in_(("in_progress", "submitted")))
            .group_by(Attempt.status)
        ).all()
    )


def release_results(paper: Paper, lead: User, now: datetime) -> int:
    """The lead releases a paper's results: every graded attempt now, later ones as graded."""
    waiting = unfinished(paper)
    if waiting:
        raise ServiceError(
            f"还有 {waiting.get('in_progress', 0)} 份答卷在作答中、{waiting.get('submitted', 0)} 份"
            "未评完，全部评完后才能公布成绩。"
        )
    _decide(paper, "released", lead, now, "")
    graded = db.session.scalars(
        select(Attempt).where(Attempt.paper_id == paper.id, Attempt.status == "graded")
    ).all()
    return sum(1 for attempt in graded if release(attempt, now))


def hold_results(paper: Paper, lead: User, now: datetime, note: str = "") -> None:
    """The lead holds a paper's results back; what was released already stays released."""
    if len(note) > 500:
        raise ServiceError("暂缓原因最多 500 字。", field="note")
    _decide(paper, "held", lead, now, note.strip())


def _decide(paper: Paper, state: str, lead: User, now: datetime, note: str) -> None:
    decision = db.session.get(ResultRelease, paper.id) or ResultRelease(paper_id=paper.id)
    decision.state, decision.decided_by_id, decision.decided_at = state, lead.id, now
    decision.note = note
    db.session.add(decision)
    db.session.commit()


_a_i = AttemptItem.__table__
_RESULT_ITEMS = (
    select(_a_i.c.id, _a_i.c.position, _a_i.c.section_position, _a_i.c.section_title,
           _a_i.c.kind, _a_i.c.points, _a_i.c.score, _a_i.c.counted, _a_i.c.response,
           _a_i.c.option_order, _a_i.c.snapshot_id, ItemSnapshot.__table__.c.digest)
    .join(ItemSnapshot.__table__, ItemSnapshot.__table__.c.id == _a_i.c.snapshot_id)
    .where(_a_i.c.attempt_id == bindparam("attempt_id"))
    .order_by(_a_i.c.position)
)  # fmt: skip


def items_for_result_page(attempt: Attempt) -> list:
    """The attempt's items in order for its result page, as plain rows (an attempt item's
    columns and its snapshot's digest, no ORM object and no snapshot content: a hundred
    JSON documents parsed for every page): what is shown of a snapshot is drawn once per
    worker by digest (web/result_html.py), which reads with `snapshot_contents` only
    those it has not drawn yet."""
    return db.session.execute(_RESULT_ITEMS, {"attempt_id": attempt.id}).all()


def snapshot_contents(snapshot_ids: set[int]) -> dict[int, dict]:
    """Snapshots' content by id, in one statement."""
    rows = db.session.execute(
        select(ItemSnapshot.id, ItemSnapshot.content).where(ItemSnapshot.id.in_(snapshot_ids))
    )
    return {snapshot_id: content for snapshot_id, content in rows}


@dataclass(frozen=True)
class Feedback:
    """What the candidate is shown for a reviewed item once released (shaped like a Review)."""

    criteria: dict[str, str]  # criterion id -> points, e.g. "1.75"
    comments: list[str]

    @property
    def comment(self) -> str:
        return "\n".join(self.comments)


def item_feedback(attempt: Attempt) -> dict[int, Feedback]:
    """Per reviewed item: the points per criterion the final score rests on (the review, the
    mean of an averaged pair, the higher mark, or the lead's arbitration) and their comments.
    Marks that did not count are left out; reviewers are not named."""
    reviews = db.session.scalars(  # by the attempt's id: its items need not be loaded
        select(Review)
        .join(AttemptItem, AttemptItem.id == Review.attempt_item_id)
        .where(AttemptItem.attempt_id == attempt.id, Review.counted)
        .order_by(Review.attempt_item_id, Review.id)
    ).all()
    grouped: dict[int, list[Review]] = {}
    for review in reviews:
        grouped.setdefault(review.attempt_item_id, []).append(review)
    return {
        item_id: Feedback(
            {
                cid: format_decimal(v)
                for cid, v in combined_criteria([r.criteria for r in rs]).items()
            },
            [r.comment for r in rs if r.comment],
        )
        for item_id, rs in grouped.items()
    }
