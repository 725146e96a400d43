from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from exam_app.exams import bp
from exam_app.exams.presenters import candidate_view, describe_key, describe_response
from exam_app.extensions import db
from exam_app.models import Attempt, Paper, Review
from exam_app.models.base import utcnow
from exam_app.services import ServiceError
from exam_app.services import attempts as attempt_service


def _own_attempt(attempt_id: int) -> Attempt:
    """Someone else's attempt is a 404, not a 403: its existence is not disclosed."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != current_user.id:
        abort(404)
    return attempt


@bp.route("/")
def index():
    now = utcnow()
    papers = db.session.scalars(
        select(Paper)
        .where(Paper.status.in_(("published", "closed")))
        .order_by(Paper.opens_at.desc())
    ).all()
    mine = {
        a.paper_id: a
        for a in db.session.scalars(select(Attempt).where(Attempt.user_id == current_user.id))
    }
    for attempt in mine.values():
        attempt_service.close_if_overdue(attempt, now)
    rows = [(p, mine.get(p.id)) for p in papers if p.id in mine or p.is_open(now)]
    return render_template("exams/index.html", rows=rows, now=now)


@bp.route("/papers/<int:paper_id>/start", methods=["POST"])
def start(paper_id: int):
    paper = db.session.get(Paper, paper_id) or abort(404)
    try:
        attempt = attempt_service.start_attempt(paper, current_user)
    except ServiceError as e:
        flash(e.message, "error")
        return redirect(url_for("exams.index"))
    return redirect(url_for("exams.take", attempt_id=attempt.id))


@bp.route("/attempts/<int:attempt_id>")
def take(attempt_id: int):
    attempt = _own_attempt(attempt_id)
    now = utcnow()
    attempt_service.close_if_overdue(attempt, now)
    if attempt.status != "in_progress":
        return redirect(url_for("exams.result", attempt_id=attempt.id))
    remaining = max(0, int((attempt.deadline_at - now).total_seconds()))
    items = [candidate_view(i) for i in attempt.items]
    return render_template("exams/take.html", attempt=attempt, items=items, remaining=remaining)


@bp.route("/attempts/<int:attempt_id>/answers", methods=["POST"])
def save(attempt_id: int):
    attempt = _own_attempt(attempt_id)
    data = request.get_json(silent=True)
    if not isinstance(data, dict) or not isinstance(data.get("position"), int):
        return jsonify(ok=False, error="请求格式无效。"), 400
    try:
        result = attempt_service.save_answer(
            attempt, data["position"], data.get("response"), data.get("seq")
        )
    except ServiceError as e:
        return jsonify(ok=False, error=e.message, status=attempt.status), e.status
    return jsonify(
        ok=True, saved=result.saved, seq=result.seq, saved_at=result.saved_at.isoformat() + "Z"
    )


@bp.route("/attempts/<int:attempt_id>/submit", methods=["POST"])
def submit(attempt_id: int):
    attempt = _own_attempt(attempt_id)
    if attempt_service.submit(attempt):
        flash("已交卷。客观题已自动评分，主观题将由阅卷人评阅。", "success")
    return redirect(url_for("exams.result", attempt_id=attempt.id))


@bp.route("/attempts/<int:attempt_id>/result")
def result(attempt_id: int):
    attempt = _own_attempt(attempt_id)
    attempt_service.close_if_overdue(attempt, utcnow())
    if attempt.status == "in_progress":
        return redirect(url_for("exams.take", attempt_id=attempt.id))
    released = attempt.status == "released"
    details = []
    if released:
        reviews = db.session.scalars(
            select(Review).where(Review.attempt_item_id.in_([i.id for i in attempt.items]))
        ).all()
        by_item = {r.attempt_item_id: r for r in reviews}
        for item in attempt.items:
            details.append(
                {
                    "item": item,
                    "view": candidate_view(item),
                    "answer": describe_response(item.kind, item.response),
                    "key": describe_key(item.snapshot),
                    "review": by_item.get(item.id),
                }
            )
    return render_template("exams/result.html", attempt=attempt, released=released, details=details)
