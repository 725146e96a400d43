"""考试监控: where everyone who must sit a paper stands, read in four queries.

One shape for the page and for the JSON it polls during a sitting, so both always agree.
Read only: nothing here changes state.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import func, select

from exam_app.extensions import db
from exam_app.models import Attempt, AttemptItem, Paper
from exam_app.services.audience import sitters_query

NOT_STARTED = "未开始"


@dataclass(frozen=True)
class SitterRow:
    user_id: int
    staff_no: str
    name: str
    department: str
    state: str  # not_started | in_progress | submitted
    status_label: str
    auto_submitted: bool
    started_at: datetime | None
    seconds_left: int | None  # only while answering
    answered: int
    item_count: int
    tab_switches: int

    def as_json(self) -> dict:
        row = asdict(self)
        row["started_at"] = self.started_at.isoformat() if self.started_at else None
        return row


@dataclass(frozen=True)
class Sitting:
    rows: list[SitterRow]
    summary: dict[str, int]  # 未开始 / 作答中 / 已交卷
    live: bool  # someone is answering, or the window is open: the page keeps refreshing


def _counts(attempt_ids: list[int], *, answered: bool) -> dict[int, int]:
    if not attempt_ids:
        return {}
    query = select(AttemptItem.attempt_id, func.count()).where(
        AttemptItem.attempt_id.in_(attempt_ids)
    )
    if answered:
        query = query.where(AttemptItem.response.is_not(None))
    return dict(db.session.execute(query.group_by(AttemptItem.attempt_id)).all())


def sitting(paper: Paper, now: datetime) -> Sitting:
    """Everyone who must sit the paper (any version of it), and anyone else who started it."""
    attempts = db.session.scalars(
        select(Attempt)
        .join(Paper, Attempt.paper_id == Paper.id)
        # A prepared attempt belongs to nobody until its person presses 开始考试.
        .where(Paper.lineage_id == paper.lineage, Attempt.user_id.is_not(None))
        .order_by(Attempt.number)
    ).all()
    latest = {a.user_id: a for a in attempts}  # ordered by number: the last one wins
    ids = [a.id for a in latest.values()]
    answered, totals = _counts(ids, answered=True), _counts(ids, answered=False)
    people = list(db.session.scalars(sitters_query(paper)))
    listed = {p.id for p in people}
    people += [a.user for a in latest.values() if a.user_id not in listed]
    rows = []
    for person in people:
        attempt = latest.get(person.id)
        if attempt is None:
            state, label, left = "not_started", NOT_STARTED, None
        elif attempt.status == "in_progress":
            state, label = "in_progress", attempt.status_label
            left = max(0, int((attempt.deadline_at - now).total_seconds()))
        else:
            state, label, left = "submitted", attempt.status_label, None
        rows.append(
            SitterRow(
                user_id=person.id,
                staff_no=person.staff_no,
                name=person.name,
                department=person.department.name if person.department else "—",
                state=state,
                status_label=label,
                auto_submitted=bool(attempt and attempt.auto_submitted),
                started_at=attempt.started_at if attempt else None,
                seconds_left=left,
                answered=answered.get(attempt.id, 0) if attempt else 0,
                item_count=totals.get(attempt.id, 0) if attempt else 0,
                tab_switches=attempt.tab_switches if attempt else 0,
            )
        )
    summary = {
        NOT_STARTED: sum(r.state == "not_started" for r in rows),
        "作答中": sum(r.state == "in_progress" for r in rows),
        "已交卷": sum(r.state == "submitted" for r in rows),
    }
    window_open = paper.opens_at <= now <= paper.closes_at
    return Sitting(rows, summary, live=window_open or summary["作答中"] > 0)
