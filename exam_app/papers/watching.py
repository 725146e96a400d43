"""Seeing a paper as candidates will, printing it, and watching a sitting."""

import secrets
from types import SimpleNamespace

from flask import jsonify, render_template, request

from exam_app.exams.presenters import candidate_view, describe_key
from exam_app.models import Paper
from exam_app.models.base import utcnow
from exam_app.papers import bp
from exam_app.papers.common import paper_or_404
from exam_app.services import ServiceError, monitoring
from exam_app.services.attempts import build_items
from exam_app.web.filters import local_time


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
    return render_template(
        "papers/monitor.html", paper=paper, sitting=monitoring.sitting(paper, now), now=now
    )


@bp.route("/<int:paper_id>/monitor.json")
def monitor_json(paper_id: int):
    """What the monitor page polls every few seconds during a sitting (never cached)."""
    paper = paper_or_404(paper_id)
    now = utcnow()
    state = monitoring.sitting(paper, now)
    response = jsonify(
        {
            "at": now.isoformat(),
            "live": state.live,
            "summary": state.summary,
            "rows": [
                {**row.as_json(), "started": local_time(row.started_at, "%H:%M")}
                for row in state.rows
            ],
        }
    )
    response.headers["Cache-Control"] = "no-store"
    return response
