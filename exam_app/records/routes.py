from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from exam_app.extensions import db
from exam_app.models import AttemptItem, QualityRecord
from exam_app.models.base import utcnow
from exam_app.records import bp
from exam_app.records.forms import AppealForm
from exam_app.services import ServiceError
from exam_app.services import appeals as appeal_service
from exam_app.services.quality import record_appeals
from exam_app.services.staff_files import staff_file


@bp.route("/")
def mine():
    return render_template(
        "records/staff_file.html", file=staff_file(current_user, for_lead=False), own=True
    )


@bp.route("/items/<int:item_id>/appeal", methods=["POST"])
def file_appeal(item_id: int):
    item = db.session.get(AttemptItem, item_id)
    if item is None or item.attempt.user_id != current_user.id:
        abort(404)  # someone else's answer: its existence is not disclosed
    form = AppealForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        appeal_service.file_appeal(item, current_user, form.reason.data or "", utcnow())
    except ServiceError as e:
        flash(e.message, "error")
    else:
        flash(f"已提交第 {item.position} 题的申诉，复核结果将在此页显示。", "success")
    return redirect(
        url_for("exams.result_items", attempt_id=item.attempt_id, _anchor=f"item-{item.position}")
    )


@bp.route("/quality/<int:record_id>/appeal", methods=["POST"])
def appeal_record(record_id: int):
    record = db.session.get(QualityRecord, record_id)
    if record is None or record.user_id != current_user.id:
        abort(404)  # someone else's record: its existence is not disclosed
    form = AppealForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        record_appeals.file_record_appeal(record, current_user, form.reason.data or "", utcnow())
    except ServiceError as e:
        flash(e.message, "error")
    else:
        flash("已提交申诉，将由上一级处理，结果会在此显示。", "success")
    return redirect(url_for("records.mine", _anchor=f"record-{record.id}"))
