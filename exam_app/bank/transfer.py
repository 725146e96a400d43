"""Import (upload, preview every item and error, then apply) and export downloads."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from exam_app.bank import bp
from exam_app.bank.forms import ApplyImportForm, ImportForm
from exam_app.content.excel import write_workbook
from exam_app.content.importers import IMPORTERS, PASTE_DEFAULT, old_word
from exam_app.extensions import db
from exam_app.grading import KIND_LABELS
from exam_app.models import BankImport
from exam_app.services import ServiceError
from exam_app.services.bank_transfer import (
    MAX_UPLOAD,
    PASTED_NAME,
    apply_staged,
    export_bank,
    guess_format,
    preview_staged,
    stage_import,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(data: bytes, filename: str, mimetype: str) -> Response:
    response = Response(data, mimetype=mimetype)
    # RFC 5987: Chinese file names survive in every current browser.
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{filename.encode("ascii", "replace").decode()}"; '
        f"filename*=UTF-8''{quote(filename)}"
    )
    return response


@bp.route("/import", methods=["GET", "POST"])
def import_upload():
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        pasted = (form.text.data or "").strip()
        fmt = form.format.data or None
        if upload and upload.filename and pasted:
            form.text.errors = ["请只选择文件或只粘贴文本，不要两样都给。"]
        elif upload and upload.filename:
            data, filename = upload.stream.read(MAX_UPLOAD + 1), upload.filename
            if old := old_word(filename, data):
                form.file.errors = [old + "。文件未保存。"]
            fmt = fmt or guess_format(filename)
        elif pasted:
            data, filename = pasted.encode("utf-8"), PASTED_NAME
            fmt = fmt or PASTE_DEFAULT
            if not IMPORTERS[fmt].pasteable:
                form.format.errors = ["粘贴的文本只能按 Word/文本、GIFT 或 Aiken 的写法读取。"]
        else:
            form.file.errors = ["请选择要导入的文件，或粘贴题目文本。"]
        if form.errors:
            pass
        elif fmt is None:
            form.format.errors = ["无法从扩展名判断格式，请选择格式。"]
        else:
            try:
                staged = stage_import(
                    data, filename, fmt, form.topic.data or "", user=current_user,
                    difficulty=int(form.difficulty.data or 3),
                )  # fmt: skip
            except ServiceError as e:
                getattr(form, e.field or "file").errors = [e.message]
            else:
                return redirect(url_for("bank.import_preview", import_id=staged.id))
    recent = db.session.scalars(
        select(BankImport).where(BankImport.applied_at.is_not(None))
        .order_by(BankImport.applied_at.desc()).limit(10)
    ).all()  # fmt: skip
    return render_template("bank/import.html", form=form, recent=recent)


def _staged(import_id: int) -> BankImport:
    return db.session.get(BankImport, import_id) or abort(404)


@bp.route("/import/<int:import_id>")
def import_preview(import_id: int):
    staged = _staged(import_id)
    plan = preview_staged(staged)
    return render_template(
        "bank/import_preview.html",
        staged=staged,
        plan=plan,
        case_titles={c.id: c.title for c in plan.bank.cases},
        form=ApplyImportForm(),
        format_label=IMPORTERS[staged.format].label,
        kind_labels=KIND_LABELS,
    )


@bp.route("/import/<int:import_id>/apply", methods=["POST"])
def import_apply(import_id: int):
    staged = _staged(import_id)
    form = ApplyImportForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        plan = apply_staged(staged, user=current_user, reviewed=bool(form.reviewed.data))
    except ServiceError as e:
        flash(e.message, "error")
        return redirect(url_for("bank.import_preview", import_id=staged.id))
    flash(f"已导入“{staged.filename}”：{plan.summary()}", "success")
    return redirect(url_for("bank.index"))


@bp.route("/export")
def export():
    fmt = request.args.get("format", "excel")
    filters = {k: request.args.get(k, "") for k in ("topic", "kind", "status")}
    try:
        data, _count = export_bank(fmt, **filters)
    except ServiceError as e:
        flash(e.message, "error")
        return redirect(url_for("bank.index"))
    stamp = date.today().strftime("%Y%m%d")
    name = f"题库-{filters['topic'] or '全部'}-{stamp}"
    if fmt == "excel":
        return _download(data, f"{name}.xlsx", XLSX)
    return _download(data, f"{name}.gift.txt", "text/plain; charset=utf-8")


@bp.route("/template.xlsx")
def template():
    return _download(write_workbook([]), "题库导入模板.xlsx", XLSX)
