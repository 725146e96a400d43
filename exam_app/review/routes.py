from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from exam_app.extensions import db
from exam_app.models import AttemptItem
from exam_app.review import bp
from exam_app.review.forms import ReviewForm
from exam_app.services import ServiceError
from exam_app.services import reviews as review_service


@bp.route("/")
def queue():
    items = review_service.queue(current_user)
    return render_template("review/queue.html", items=items)


@bp.route("/items/<int:item_id>", methods=["GET", "POST"])
def grade(item_id: int):
    item = db.session.get(AttemptItem, item_id)
    if item is None or item.kind != "essay" or item.attempt.status == "in_progress":
        abort(404)
    try:
        review_service.check_can_review(item, current_user)
    except ServiceError as e:
        abort(e.status)
    form = ReviewForm()
    criteria = item.snapshot.get("rubric", [])
    given = {c["id"]: request.form.get(f"c-{c['id']}", "").strip() for c in criteria}
    if form.validate_on_submit():
        try:
            review_service.record_review(item, current_user, given, form.comment.data or "")
        except ServiceError as e:
            flash(e.message, "error")
        else:
            flash(f"已评分：考生 {item.attempt.candidate_code} 第 {item.position} 题。", "success")
            return redirect(url_for("review.queue"))
    elif request.method == "POST":
        flash("表单无效，请检查后重新提交。", "error")
    return render_template(
        "review/grade.html",
        item=item,
        criteria=criteria,
        given=given,
        form=form,
        done=not item.needs_review,
    )
