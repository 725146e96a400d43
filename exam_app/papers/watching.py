"""Seeing a paper as candidates will, printing it, and watching a sitting."""

import secrets
from types import SimpleNamespace

from flask import render_template, request
from sqlalchemy import func, select

from exam_app.exams.presenters import candidate_view, describe_key
from exam_app.extensions import db
from exam_app.models import Attempt, AttemptItem, Paper
from exam_app.models.base import utcnow
from exam_app.papers import bp
from exam_app.papers.common import paper_or_404
from exam_app.services import ServiceError
from exam_app.services.attempts import build_items
from exam_app.services.audience import sitters_query


def _sample(paper: Paper):
    """A sample draw; `?seed=` shows a particular one again."""
    seed = request.args.get("seed", type=int)
    if seed is None:
        seed = secrets.randbits(31)
    try:
        _log, rows = build_items(paper, seed)
    except ServiceError as e:
        return seed, [], e.message
    # Never stored: shaped like attempt items for the presenters, no row behind them.
    sketch = {"response": None, "save_seq": 0, "flagged": False, "counted": True}
    return seed, [SimpleNamespace(**row, **sketch) for row in rows], None


@bp.route("/<int:paper_id>/preview")
def preview(paper_id: int):
    paper = paper_or_404(paper_id)
    seed, items, error = _sample(paper)
    return render_template(
        "papers/preview.html",
        paper=paper,
        seed=seed,
        items=[candidate_view(i) for i in items],
        error=error,
    )


@bp.route("/<int:paper_id>/print")
def print_paper(paper_id: int):
    paper = paper_or_404(paper_id)
    seed, items, error = _sample(paper)
    with_key = request.args.get("key") == "1"
    rows = [{"view": candidate_view(i), "key": describe_key(i), "snap": i.snapshot} for i in items]
    return render_template(
        "papers/print.html", paper=paper, seed=seed, rows=rows, error=error, with_key=with_key
    )


@bp.route("/<int:paper_id>/monitor")
def monitor(paper_id: int):
    paper = paper_or_404(paper_id)
    now = utcnow()
    attempts = db.session.scalars(
        select(Attempt)
        .join(Paper, Attempt.paper_id == Paper.id)
        .where(Paper.lineage_id == paper.lineage)
        .order_by(Attempt.number)
    ).all()
    latest = {a.user_id: a for a in attempts}  # ordered by number: the last one wins
    answered = dict(
        db.session.execute(
            select(AttemptItem.attempt_id, func.count())
            .where(
                AttemptItem.attempt_id.in_([a.id for a in latest.values()]),
                AttemptItem.response.is_not(None),
            )
            .group_by(AttemptItem.attempt_id)
        ).all()
    )
    totals = dict(
        db.session.execute(
            select(AttemptItem.attempt_id, func.count())
            .where(AttemptItem.attempt_id.in_([a.id for a in latest.values()]))
            .group_by(AttemptItem.attempt_id)
        ).all()
    )
    people = list(db.session.scalars(sitters_query(paper)))
    listed = {p.id for p in people}
    people += [a.user for a in latest.values() if a.user_id not in listed]
    rows = []
    for person in people:
        attempt = latest.get(person.id)
        left = None
        if attempt and attempt.status == "in_progress":
            left = max(0, int((attempt.deadline_at - now).total_seconds()))
        rows.append(
            {
                "person": person,
                "attempt": attempt,
                "left": left,
                "answered": answered.get(attempt.id, 0) if attempt else 0,
                # Not "items": the template reads row.items, which on a dict is its method.
                "item_count": totals.get(attempt.id, 0) if attempt else 0,
            }
        )
    summary = {
        "未开始": sum(1 for r in rows if r["attempt"] is None),
        "作答中": sum(1 for r in rows if r["left"] is not None),
        "已交卷": sum(1 for r in rows if r["attempt"] and r["attempt"].status != "in_progress"),
    }
    return render_template("papers/monitor.html", paper=paper, rows=rows, summary=summary, now=now)
