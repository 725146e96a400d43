"""Cases: list, a page per case (its questions and history), create and edit."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from exam_app.bank import bp
from exam_app.bank.forms import CaseForm
from exam_app.content.diff import case_fields, diff
from exam_app.extensions import db
from exam_app.models import Case, CaseVersion, Question
from exam_app.services import ServiceError
from exam_app.services.bank_editing import BankInvalid, save_case

FORM_FIELDS = {"案例编号": "uid", "标题": "title", "知识点": "topic", "出处": "source",
               "情景": "scenario", "依据": "basis"}  # fmt: skip


def _case(uid: str) -> Case:
    return db.session.scalar(select(Case).where(Case.uid == uid)) or abort(404)


@bp.route("/cases/")
def cases():
    rows = db.session.execute(
        select(Case, func.count(Question.id))
        .outerjoin(Question, Question.case_id == Case.id)
        .group_by(Case.id)
        .order_by(Case.uid)
    ).all()
    return render_template("bank/cases.html", rows=rows)


@bp.route("/cases/<uid>")
def case_detail(uid: str):
    case = _case(uid)
    versions = db.session.scalars(
        select(CaseVersion)
        .where(CaseVersion.case_id == case.id)
        .options(selectinload(CaseVersion.created_by))
        .order_by(CaseVersion.version.desc())
    ).all()
    changes = {
        newer.version: diff(case_fields(older.content), case_fields(newer.content))
        for newer, older in zip(versions, versions[1:], strict=False)
    }
    questions = db.session.scalars(
        select(Question).where(Question.case_id == case.id).order_by(Question.uid)
    ).all()
    return render_template(
        "bank/case_detail.html", case=case, versions=versions, changes=changes, questions=questions
    )


def _save(form: CaseForm, base_version: int | None):
    try:
        case, changed = save_case(
            uid=(form.uid.data or "").strip(),
            title=form.title.data or "",
            topic=form.topic.data or "",
            source=form.source.data or "",
            scenario=(form.scenario.data or "").replace("\r\n", "\n"),
            basis=(form.basis.data or "").replace("\r\n", "\n"),
            user=current_user,
            base_version=base_version,
        )
    except BankInvalid as e:
        for problem in e.problems:
            field = getattr(form, FORM_FIELDS.get(problem.field, "scenario"))
            field.errors = [*field.errors, problem.message]
        flash("保存失败，请按提示修改。", "error")
    except ServiceError as e:
        flash(e.message, "error")
    else:
        flash(f"案例已保存为第 {case.version} 版。" if changed else "内容没有改动。", "success")
        return redirect(url_for("bank.case_detail", uid=case.uid))
    return None


@bp.route("/cases/new", methods=["GET", "POST"])
def new_case():
    form = CaseForm()
    if form.validate_on_submit():
        response = _save(form, None)
        if response is not None:
            return response
    return render_template("bank/case_edit.html", form=form, case=None)


@bp.route("/cases/<uid>/edit", methods=["GET", "POST"])
def edit_case(uid: str):
    case = _case(uid)
    form = CaseForm(obj=case if request.method == "GET" else None)
    if request.method == "GET":
        form.base_version.data = str(case.version)
    else:
        form.uid.data = case.uid
        if form.validate_on_submit():
            base = int(form.base_version.data) if (form.base_version.data or "").isdigit() else -1
            response = _save(form, base)
            if response is not None:
                return response
    return render_template("bank/case_edit.html", form=form, case=case)
