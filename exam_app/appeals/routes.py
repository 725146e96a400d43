from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from exam_app.appeals import bp
from exam_app.appeals.forms import DecisionForm
from exam_app.exams.presenters import describe_key, describe_response
from exam_app.extensions import db
from exam_app.models import Appeal, Role
from exam_app.models.base import utcnow
from exam_app.review.presenters import rubric_view
from exam_app.services import ServiceError
from exam_app.services import appeals as appeal_service
from exam_app.services.results import item_feedback


def _appeal(appeal_id: int) -> Appeal:
    appeal = db.session.get(Appeal, appeal_id)
    if appeal is None or appeal.on_record:  # records' appeals live at /quality/appeals
        abort(404)
    if appeal.status == "open":
        try:
            appeal_service.check_can_decide(appeal, current_user)
        except ServiceError as e:
            abort(e.status)
    elif not current_user.has_role(Role.LEAD) and appeal.decided_by_id != current_user.id:
        abort(404)  # a decided appeal stays visible to its decider and the leads only
    return appeal


@bp.route("/")
def queue():
    return render_template(
        "appeals/queue.html", rows=appeal_service.reviewable_by(current_user, utcnow())
    )


@bp.route("/<int:appeal_id>", methods=["GET", "POST"])
def decide(appeal_id: int):
    appeal = _appeal(appeal_id)
    item = appeal.item
    form = DecisionForm()
    criteria = rubric_view(item) if item.kind == "essay" else []
    given = {c["id"]: request.form.get(f"c-{c['id']}", "").strip() for c in criteria}
    error_field = None
    if form.validate_on_submit():
        try:
            appeal_service.decide(
                appeal,
                current_user,
                form.outcome.data or "",
                form.decision_reason.data or "",
                utcnow(),
                criteria=given,
                new_score=form.new_score.data or "",
            )
        except ServiceError as e:
            flash(e.message, "error")
            error_field = e.field
        else:
            flash(
                f"已复核：{appeal.outcome_label}，得分 {appeal.new_score.normalize():f}。",
                "success",
            )
            return redirect(url_for("appeals.queue"))
    elif request.method == "POST":
        abort(400)
    return render_template(
        "appeals/decide.html",
        appeal=appeal,
        item=item,
        form=form,
        criteria=criteria,
        given=given,
        feedback=item_feedback(item.attempt).get(item.id),
        answer=describe_response(item),
        key=describe_key(item),
        show_name=current_user.has_role(Role.LEAD),
        error_field=error_field,
        age=appeal_service.age_in_working_days(appeal, utcnow()),
    )
