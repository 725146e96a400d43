from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from exam_app.models import Role
from exam_app.models.base import utcnow
from exam_app.quality.calendar import (
    MONTH,
    month_of,
    next_month,
    previous_month,
    quarter_label,
    quarter_of_month,
)
from exam_app.quality_office import bp
from exam_app.reports.downloads import download, xlsx_download
from exam_app.services import ServiceError
from exam_app.services.appeals import local_date
from exam_app.services.quality import exports, quarters
from exam_app.services.quality.month_view import confirm_month, month_view


def _month(month: str) -> str:
    if not MONTH.fullmatch(month):
        abort(404)
    return month


@bp.route("/months/")
def months():
    """The month just ended: the one whose summary goes to finance by the 5th."""
    return redirect(
        url_for("quality_office.month", month=previous_month(month_of(local_date(utcnow()))))
    )


@bp.route("/months/<month>")
def month(month: str):
    view = month_view(_month(month))
    return render_template(
        "quality/month.html", view=view, form=FlaskForm(),
        previous=previous_month(month), following=next_month(month),
        quarter=quarter_of_month(month), can_edit_rules=current_user.has_role(Role.LEAD),
    )  # fmt: skip


@bp.route("/months/<month>/posted")
def posted(month: str):
    """The public list (公布张贴) for the notice board: names, department, points and reasons.
    No 工号, fines or steps: the money is for finance and the steps for HR, not the corridor."""
    view = month_view(_month(month))
    return render_template("quality/posted.html", view=view, today=local_date(utcnow()))


@bp.route("/months/<month>/confirm", methods=["POST"])
def confirm(month: str):
    month = _month(month)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        confirm_month(current_user, month, utcnow())
    except ServiceError as e:
        flash(e.message, "error")
    else:
        flash("已确认并冻结本月汇总；此后的记录和申诉结果计入下一次汇总。", "success")
    return redirect(url_for("quality_office.month", month=month))


@bp.route("/months/<month>.xlsx")
def month_xlsx(month: str):
    view = month_view(_month(month))
    return xlsx_download(exports.month_tables(view), f"服务质量月度汇总-{view.month}")


@bp.route("/quarters/<quarter>")
def quarter(quarter: str):
    try:
        quarters.checked_quarter(quarter)
    except ServiceError:
        abort(404)
    scores = quarters.quarter_scores(quarter, quarters.staff_in_quarter())
    return render_template(
        "quality/quarter.html", quarter=quarter, label=quarter_label(quarter), scores=scores,
        weights=quarters.weights_of(quarter),
    )  # fmt: skip


@bp.route("/quarters/<quarter>.xlsx")
def quarter_xlsx(quarter: str):
    try:
        quarters.checked_quarter(quarter)
    except ServiceError:
        abort(404)
    table = exports.quarter_table(quarter)
    return download(table, f"综合考核-{quarter}", "xlsx")
