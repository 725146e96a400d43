from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from exam_app.extensions import db
from exam_app.models import AttemptItem
from exam_app.models.base import utcnow
from exam_app.review import bp
from exam_app.review.forms import ActionForm, ReviewForm
from exam_app.review.presenters import rubric_view
from exam_app.services import ServiceError, claims
from exam_app.services import reviews as review_service


def _item(item_id: int) -> AttemptItem:
    item = db.session.get(AttemptItem, item_id)
    if item is None or item.kind != "essay" or item.attempt.status == "in_progress":
        abort(404)
    try:
        review_service.check_can_review(item, current_user)
    except ServiceError as e:
        abort(e.status)
    return item


def _posted() -> None:
    if not ActionForm().validate_on_submit():
        abort(400)


def _grade_url(item_id: int, by_question: bool):
    return url_for("review.grade", item_id=item_id, mode="question" if by_question else None)


@bp.route("/")
def queue():
    now = utcnow()
    filters = {
        "paper_id": request.args.get("paper", type=int),
        "question_id": request.args.get("question", type=int),
        "candidate": request.args.get("candidate", "").strip()[:12] or None,
    }
    return render_template(
        "review/queue.html",
        rows=claims.queue(current_user, now, **filters),
        mine=claims.queue(current_user, now, mine_only=True),
        questions=claims.by_question(current_user, now),
        filters=filters,
        form=ActionForm(),
        claim_minutes=claims.claim_minutes(),
    )


@bp.route("/next", methods=["POST"])
def claim_next():
    """Take the next answer (of one question, when given): how marking teams work."""
    _posted()
    question_id = request.form.get("question", type=int)
    task = claims.claim_next(
        current_user,
        utcnow(),
        paper_id=request.form.get("paper", type=int),
        question_id=question_id,
    )
    if task is None:
        flash("没有可领取的答卷了。", "success")
        return redirect(url_for("review.queue"))
    return redirect(_grade_url(task.attempt_item_id, question_id is not None))


@bp.route("/items/<int:item_id>/claim", methods=["POST"])
def claim(item_id: int):
    item = _item(item_id)
    _posted()
    try:
        claims.claim(item, current_user, utcnow())
    except ServiceError as e:
        flash(e.message, "error")
        return redirect(url_for("review.queue"))
    return redirect(_grade_url(item.id, request.form.get("mode") == "question"))


@bp.route("/items/<int:item_id>/give-back", methods=["POST"])
def give_back(item_id: int):
    item = _item(item_id)
    _posted()
    try:
        claims.give_back(item, current_user)
    except ServiceError as e:
        flash(e.message, "error")
    else:
        flash(f"已放弃领取：考生 {item.attempt.candidate_code} 第 {item.position} 题。", "success")
    return redirect(url_for("review.queue"))


@bp.route("/items/<int:item_id>", methods=["GET", "POST"])
def grade(item_id: int):
    item = _item(item_id)
    by_question = request.values.get("mode") == "question"
    form = ReviewForm()
    criteria = rubric_view(item)
    given = {c["id"]: request.form.get(f"c-{c['id']}", "").strip() for c in criteria}
    if form.validate_on_submit():
        try:
            review_service.record_review(item, current_user, given, form.comment.data or "")
        except ServiceError as e:
            flash(e.message, "error")
        else:
            flash(f"已评分：考生 {item.attempt.candidate_code} 第 {item.position} 题。", "success")
            if by_question:
                paper_id, question_id = item.attempt.paper_id, item.question_id
                task = claims.claim_next(
                    current_user, utcnow(), paper_id=paper_id, question_id=question_id
                )
                if task is not None:
                    return redirect(_grade_url(task.attempt_item_id, True))
                flash("这道题已没有待评的答卷。", "success")
            return redirect(url_for("review.queue"))
    elif request.method == "POST":
        flash("表单无效，请检查后重新提交。", "error")
    state = claims.mark_state(item, current_user, utcnow())
    if state.my_review is not None:  # their own marks only, never another reviewer's
        given = dict(state.my_review.criteria)
        form.comment.data = state.my_review.comment
    return render_template(
        "review/grade.html",
        item=item,
        criteria=criteria,
        given=given,
        form=form,
        state=state,
        action_form=ActionForm(),
        by_question=by_question,
    )
