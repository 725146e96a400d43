from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from exam_app.models.base import utcnow
from exam_app.reporting.roster_sheet import COLUMNS, template_rows
from exam_app.reports.downloads import download
from exam_app.services import ServiceError
from exam_app.services.api_tokens import all_tokens, create_token, revoke_token
from exam_app.services.roster import MAX_UPLOAD, RosterErrors, import_roster, preview_roster
from exam_app.services.uploads import check_upload
from exam_app.staffing import bp
from exam_app.staffing.forms import EmptyForm, RosterForm, TokenForm


@bp.route("/roster", methods=["GET", "POST"])
def roster():
    form = RosterForm()
    report, errors = None, []
    if form.validate_on_submit():
        data = form.file.data.stream.read(MAX_UPLOAD + 1)
        try:
            check_upload(data, form.file.data.filename or "", "excel", MAX_UPLOAD)
            if form.preview.data:
                report = preview_roster(data, current_user)
            else:
                report = import_roster(data, current_user)
        except RosterErrors as e:
            form.file.errors = [e.message]
            errors = e.errors
        except ServiceError as e:
            form.file.errors = [e.message]
    return render_template(
        "staffing/roster.html", form=form, report=report, errors=errors, columns=COLUMNS,
        applied=report is not None and not form.preview.data,
    )  # fmt: skip


@bp.route("/roster/template.xlsx")
def roster_template():
    return download(("花名册", list(COLUMNS), template_rows()), "花名册导入模板", "xlsx")


@bp.route("/tokens", methods=["GET", "POST"])
def tokens():
    form = TokenForm()
    plain = None
    if form.validate_on_submit():
        try:
            _, plain = create_token(form.name.data, current_user, utcnow())
        except ServiceError as e:
            form.name.errors = [e.message]
    return render_template(
        "staffing/tokens.html", form=form, plain=plain, tokens=all_tokens(), revoke=EmptyForm()
    )


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
def revoke(token_id: int):
    if not EmptyForm().validate_on_submit():
        flash("页面已过期，请重试。", "error")
    else:
        try:
            token = revoke_token(token_id, utcnow())
        except ServiceError as e:
            flash(e.message, "error")
        else:
            flash(f"已吊销令牌「{token.name}」。", "success")
    return redirect(url_for("staffing.tokens"))
