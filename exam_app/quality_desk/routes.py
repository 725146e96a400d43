from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from exam_app.extensions import db
from exam_app.models import Appeal
from exam_app.models.base import utcnow
from exam_app.quality.calendar import MONTH, month_of, quarter_label, quarter_of
from exam_app.quality_desk import bp
from exam_app.quality_desk.forms import RatingsForm, RecordDecisionForm, RecordForm
from exam_app.services import ServiceError
from exam_app.services.appeals import local_date
from exam_app.services.quality import quarters, record_appeals, records, standards


@bp.route("/", methods=["GET", "POST"])
def index():
    form = RecordForm()
    people = records.recordable_people(current_user)
    offered = standards.offered()
    form.person.choices = [("", "请选择")] + [
        (str(p.id), f"{p.staff_no} {p.name}（{p.department.name if p.department else '—'}）")
        for p in people
    ]
    form.standard.choices = [("", "请选择")] + [(s.code, s.label) for s in offered]
    error_field, status = None, 200
    if form.validate_on_submit():
        try:
            record = records.record_occurrence(
                current_user,
                person_id=form.person.data,
                occurred_on=form.occurred_on.data,
                standard_code=form.standard.data or "",
                observed=form.observed.data or "",
                supervisor_liable=bool(form.supervisor_liable.data),
                now=utcnow(),
            )
        except ServiceError as e:
            flash(e.message, "error")
            error_field, status = e.field, e.status
        else:
            flash(
                f"已记录：{record.person.name} {record.standard_title}"
                f"（{record.points:+d} 分，计入 {record.month}）。本人已可在考核档案中看到。",
                "success",
            )
            return redirect(url_for("quality_desk.index", month=record.month))
    elif request.method == "POST":
        abort(400)
    month = request.args.get("month", "")
    if not MONTH.fullmatch(month):
        month = month_of(local_date(utcnow()))
    if not form.occurred_on.data:
        form.occurred_on.data = local_date(utcnow()).isoformat()
    return render_template(
        "quality/desk.html",
        form=form,
        month=month,
        rows=records.visible_records(current_user, month=month),
        error_field=error_field,
        has_people=bool(people),
    ), status


@bp.route("/appeals/")
def appeals():
    return render_template(
        "quality/appeals.html", rows=record_appeals.decidable_by(current_user, utcnow())
    )


@bp.route("/appeals/<int:appeal_id>", methods=["GET", "POST"])
def decide(appeal_id: int):
    appeal = db.session.get(Appeal, appeal_id)
    if appeal is None or not appeal.on_record or appeal.status != "open":
        abort(404)
    try:
        record_appeals.check_can_decide(appeal, current_user)
    except ServiceError as e:
        abort(e.status)
    form = RecordDecisionForm()
    error_field = None
    if form.validate_on_submit():
        try:
            record_appeals.decide_record_appeal(
                appeal, current_user, form.outcome.data or "", form.decision_reason.data or "",
                utcnow(), new_points=form.new_points.data or "",
            )  # fmt: skip
        except ServiceError as e:
            flash(e.message, "error")
            error_field = e.field
        else:
            flash(f"已处理：{appeal.outcome_label}。", "success")
            return redirect(url_for("quality_desk.appeals"))
    elif request.method == "POST":
        abort(400)
    return render_template(
        "quality/decide.html", appeal=appeal, record=appeal.record, form=form,
        error_field=error_field,
    )  # fmt: skip


@bp.route("/ratings/")
def ratings_now():
    today = local_date(utcnow())
    return redirect(url_for("quality_desk.ratings", quarter=quarter_of(today)))


@bp.route("/ratings/<quarter>", methods=["GET", "POST"])
def ratings(quarter: str):
    try:
        quarters.checked_quarter(quarter)
    except ServiceError:
        abort(404)
    form = RatingsForm()
    people = quarters.rateable_people(current_user)
    if form.validate_on_submit():
        entries = {
            p.id: (request.form.get(f"score-{p.id}", ""), request.form.get(f"comment-{p.id}", ""))
            for p in people
            if request.form.get(f"score-{p.id}", "").strip()
        }
        try:
            saved = quarters.rate(current_user, quarter, entries, utcnow())
        except ServiceError as e:
            flash(e.message + "本次未保存任何评价。", "error")
        else:
            flash(f"已保存 {saved} 人的定性评价。", "success")
            return redirect(url_for("quality_desk.ratings", quarter=quarter))
    elif request.method == "POST":
        abort(400)
    return render_template(
        "quality/ratings.html", form=form, quarter=quarter, label=quarter_label(quarter),
        people=people, ratings=quarters.ratings_of(quarter, [p.id for p in people]),
    )  # fmt: skip
