from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from exam_app.corrections import bp
from exam_app.corrections.forms import AssignForm, KeyForm
from exam_app.extensions import db
from exam_app.grading import KIND_LABELS
from exam_app.models import Appeal, Paper, Role, User, UserRole
from exam_app.models.base import utcnow
from exam_app.services import ServiceError, regrade
from exam_app.services import appeals as appeal_service


def _paper(paper_id: int) -> Paper:
    return db.session.get(Paper, paper_id) or abort(404)


def _people() -> list[User]:
    """Who may be asked to re-review: reviewers and leads (eligibility is checked per appeal)."""
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role.in_((Role.REVIEWER.value, Role.LEAD.value)))
            .distinct()
            .order_by(User.username)
        )
    )


@bp.route("/appeals")
def appeals():
    rows = appeal_service.open_appeals(utcnow())
    people = _people()
    eligible = {
        row.appeal.id: [u for u in people if appeal_service.may_decide_if_assigned(row.appeal, u)]
        for row in rows
    }
    papers = db.session.scalars(
        select(Paper).where(Paper.status != "draft").order_by(Paper.opens_at.desc())
    ).all()
    return render_template(
        "corrections/appeals.html", rows=rows, eligible=eligible, form=AssignForm(), papers=papers
    )


@bp.route("/appeals/<int:appeal_id>/assign", methods=["POST"])
def assign(appeal_id: int):
    appeal = db.session.get(Appeal, appeal_id)
    if appeal is None or appeal.on_record:  # a record's appeal is decided one level up
        abort(404)
    form = AssignForm()
    if not form.validate_on_submit():
        abort(400)
    assignee = db.session.get(User, form.assignee.data or 0)
    try:
        if assignee is None:
            raise ServiceError("请选择复核人。", field="assignee")
        appeal_service.assign(appeal, current_user, assignee)
    except ServiceError as e:
        flash(e.message, "error")
    else:
        flash(f"已将第 {appeal.item.position} 题的申诉分配给 {assignee.name}。", "success")
    return redirect(url_for("corrections.appeals"))


@bp.route("/papers/<int:paper_id>/keys")
def keys(paper_id: int):
    paper = _paper(paper_id)
    return render_template(
        "corrections/keys.html",
        paper=paper,
        items=regrade.keyed_items(paper),
        corrections=regrade.corrections_of(paper),
        kind_labels=KIND_LABELS,
        key_text=regrade.key_text,
    )


@bp.route("/papers/<int:paper_id>/keys/<int:question_id>/<int:version>", methods=["GET", "POST"])
def correct(paper_id: int, question_id: int, version: int):
    """GET: the form; POST 预览 (dry run, nothing written) or 应用 (apply)."""
    paper = _paper(paper_id)
    keyed = regrade.find_keyed(paper, question_id, version) or abort(404)
    form = KeyForm()
    changes, error_field = None, None
    if form.validate_on_submit():
        try:
            new_key = regrade.parse_key(keyed.snapshot, form.key.data or "")
            if request.form.get("action") == "apply":
                correction, applied = regrade.apply(
                    paper, keyed, new_key, current_user, form.reason.data or "", utcnow()
                )
                flash(f"已更正答案：{len(applied)} 份答卷的得分已变更并记入成绩记录。", "success")
                return redirect(url_for("corrections.keys", paper_id=paper.id))
            changes = regrade.dry_run(paper, keyed, new_key)
        except ServiceError as e:
            flash(e.message, "error")
            error_field = e.field
    elif request.method == "POST":
        abort(400)
    else:
        form.key.data = regrade.key_text(keyed.snapshot)
    return render_template(
        "corrections/correct.html",
        paper=paper,
        keyed=keyed,
        form=form,
        changes=changes,
        error_field=error_field,
        kind_labels=KIND_LABELS,
        current_key=regrade.key_text(keyed.snapshot),
    )
