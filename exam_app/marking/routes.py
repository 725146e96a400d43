from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from exam_app.extensions import db
from exam_app.grading import reconcile
from exam_app.grading.consistency import reviewer_consistency
from exam_app.grading.marking_decisions import decision_reason
from exam_app.marking import bp
from exam_app.marking.forms import ActionForm, ArbitrationForm, AssignForm, HoldForm
from exam_app.models import AttemptItem, MarkingTask, Paper, ResultRelease, User
from exam_app.models.base import utcnow
from exam_app.models.marking import MARK
from exam_app.models.papers import MARKING_RULE_LABELS, RELEASE_POLICY_LABELS
from exam_app.review.presenters import rubric_view
from exam_app.services import ServiceError, marking_progress
from exam_app.services import marking as marking_service
from exam_app.services import results as result_service
from exam_app.services import reviews as review_service
from exam_app.web.choices import choices


def _paper(paper_id: int) -> Paper:
    return db.session.get(Paper, paper_id) or abort(404)


def _task(task_id: int) -> MarkingTask:
    return db.session.get(MarkingTask, task_id) or abort(404)


def _back(task: MarkingTask):
    item = db.session.get(AttemptItem, task.attempt_item_id)
    return redirect(url_for("marking.paper", paper_id=item.attempt.paper_id))


def _posted(form=None) -> None:
    if not (form or ActionForm()).validate_on_submit():
        abort(400)


@bp.route("/")
def index():
    return render_template(
        "marking/index.html",
        rows=marking_progress.papers_overview(utcnow()),
        policy_labels=RELEASE_POLICY_LABELS,
    )


@bp.route("/papers/<int:paper_id>")
def paper(paper_id: int):
    paper = _paper(paper_id)
    now = utcnow()
    assign_form = AssignForm()
    assign_form.reviewer.choices = choices(
        (u.id, f"{u.name}（{u.username}）") for u in marking_progress.reviewers()
    )
    tasks = marking_progress.open_tasks(paper, now)
    return render_template(
        "marking/paper.html",
        paper=paper,
        questions=marking_progress.by_question(paper, now),
        reviewers=marking_progress.by_reviewer(paper, now),
        marks=[t for t in tasks if t.task.kind == MARK],
        arbitrations=[t for t in tasks if t.task.kind != MARK],
        unfinished=result_service.unfinished(paper),
        decision=db.session.get(ResultRelease, paper.id),
        form=ActionForm(),
        assign_form=assign_form,
        hold_form=HoldForm(),
        policy_labels=RELEASE_POLICY_LABELS,
        rule_labels=MARKING_RULE_LABELS,
    )


@bp.route("/tasks/<int:task_id>/release", methods=["POST"])
def release_claim(task_id: int):
    task = _task(task_id)
    _posted()
    try:
        marking_service.release_claim(task)
    except ServiceError as e:
        flash(e.message, "error")
    else:
        flash("已释放，其他阅卷人可以领取。", "success")
    return _back(task)


@bp.route("/tasks/<int:task_id>/assign", methods=["POST"])
def assign(task_id: int):
    task = _task(task_id)
    form = AssignForm()
    form.reviewer.choices = choices((u.id, u.name) for u in marking_progress.reviewers())
    if not form.validate_on_submit():
        errors = [f"{form.reviewer.label.text}：{e}" for e in form.reviewer.errors]
        flash("；".join(errors) or "表单无效，请刷新页面后重试。", "error")
        return _back(task)
    reviewer = db.session.get(User, form.reviewer.data) or abort(404)
    try:
        marking_service.assign(task, reviewer, current_user, utcnow())
    except ServiceError as e:
        flash(f"阅卷人：{e.message}" if e.field == "reviewer" else e.message, "error")
    else:
        flash(f"已分配给{reviewer.name}。", "success")
    return _back(task)


@bp.route("/papers/<int:paper_id>/release", methods=["POST"])
def release(paper_id: int):
    paper = _paper(paper_id)
    _posted()
    try:
        count = result_service.release_results(paper, current_user, utcnow())
    except ServiceError as e:
        flash(e.message, "error")
    else:
        flash(f"已公布成绩：{count} 份答卷的成绩已记入员工考核档案。", "success")
    return redirect(url_for("marking.paper", paper_id=paper.id))


@bp.route("/papers/<int:paper_id>/hold", methods=["POST"])
def hold(paper_id: int):
    paper = _paper(paper_id)
    form = HoldForm()
    if not form.validate_on_submit():
        flash("；".join(form.note.errors) or "表单无效，请刷新页面后重试。", "error")
        return redirect(url_for("marking.paper", paper_id=paper.id))
    try:
        result_service.hold_results(paper, current_user, utcnow(), form.note.data or "")
    except ServiceError as e:
        flash(e.message, "error")
    else:
        flash("已暂缓公布：评完的成绩将等待您公布。", "success")
    return redirect(url_for("marking.paper", paper_id=paper.id))


@bp.route("/items/<int:item_id>/arbitrate", methods=["GET", "POST"])
def arbitrate(item_id: int):
    item = db.session.get(AttemptItem, item_id)
    if item is None or item.kind != "essay":
        abort(404)
    form = ArbitrationForm()
    criteria = rubric_view(item)
    given = {c["id"]: request.form.get(f"c-{c['id']}", "").strip() for c in criteria}
    if form.validate_on_submit():
        try:
            comment = form.comment.data or ""
            review_service.arbitrate(item, current_user, given, comment, form.reason.data)
        except ServiceError as e:
            flash(f"仲裁理由：{e.message}" if e.field == "reason" else e.message, "error")
        else:
            flash(f"已仲裁：考生 {item.attempt.candidate_code} 第 {item.position} 题。", "success")
            return redirect(url_for("marking.paper", paper_id=item.attempt.paper_id))
    elif request.method == "POST":
        for field in (form.comment, form.reason):
            for error in field.errors:
                flash(f"{field.label.text}：{error}", "error")
    marks = review_service.marks_of(item)
    paper = item.attempt.paper
    values = [r.total for r, t in marks if t.kind == MARK]
    why = ""
    if len(values) >= 2:
        tolerance, rule = paper.marking_tolerance, paper.marking_rule
        why = decision_reason(values, tolerance, rule, reconcile(values, tolerance, rule))
    return render_template(
        "marking/arbitrate.html",
        item=item,
        criteria=criteria,
        given=given,
        form=form,
        marks=marks,
        why=why,
        open=review_service.waiting_arbitration(item) is not None,
    )


@bp.route("/consistency")
def consistency():
    paper_id = request.args.get("paper", type=int)
    marks, people = marking_progress.consistency_marks(paper_id)
    return render_template(
        "marking/consistency.html",
        rows=reviewer_consistency(marks),
        people=people,
        papers=marking_progress.marked_papers(),
        paper_id=paper_id,
    )
