"""Bank items: list with filters, a page per item with its history, create, edit, review."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from exam_app.bank import bp
from exam_app.bank.drafts import attach, draft_from_form, fill_form
from exam_app.bank.forms import EmptyForm, QuestionForm
from exam_app.content.build import Draft, draft_from_spec
from exam_app.content.diff import diff, question_fields
from exam_app.extensions import db
from exam_app.grading import KIND_LABELS
from exam_app.models import Case, Question, QuestionVersion
from exam_app.services import ServiceError
from exam_app.services.bank_editing import (
    BankInvalid,
    mark_reviewed,
    return_to_draft,
    save_question,
)
from exam_app.services.bank_history import spec_of
from exam_app.web.choices import choices

PER_PAGE = 50
STATUS_LABELS = {"draft": "草稿", "reviewed": "已审核"}


def _question(uid: str) -> Question:
    return db.session.scalar(select(Question).where(Question.uid == uid)) or abort(404)


def _topics() -> list[str]:
    return list(db.session.scalars(select(Question.topic).distinct().order_by(Question.topic)))


@bp.route("/")
def index():
    args = {k: request.args.get(k, "").strip() for k in ("topic", "kind", "status", "q")}
    page = max(request.args.get("page", 1, type=int), 1)
    query = select(Question)
    if args["topic"]:
        query = query.where(Question.topic == args["topic"])
    if args["kind"] in KIND_LABELS:
        query = query.where(Question.kind == args["kind"])
    if args["status"] in STATUS_LABELS:
        query = query.where(Question.status == args["status"])
    if args["q"]:
        like = f"%{args['q'].replace('%', '').replace('_', '')}%"
        query = query.where(or_(Question.uid.ilike(like), Question.stem.ilike(like)))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    questions = db.session.scalars(
        query.order_by(Question.topic, Question.uid).limit(PER_PAGE).offset((page - 1) * PER_PAGE)
    ).all()
    return render_template(
        "bank/index.html",
        questions=questions,
        total=total,
        page=page,
        pages=max((total + PER_PAGE - 1) // PER_PAGE, 1),
        args=args,
        topics=_topics(),
        kind_labels=KIND_LABELS,
        status_labels=STATUS_LABELS,
    )


@bp.route("/items/<uid>")
def detail(uid: str):
    question = _question(uid)
    versions = db.session.scalars(
        select(QuestionVersion)
        .where(QuestionVersion.question_id == question.id)
        .options(
            selectinload(QuestionVersion.created_by), selectinload(QuestionVersion.reviewed_by)
        )
        .order_by(QuestionVersion.version.desc())
    ).all()
    changes = {}
    for newer, older in zip(versions, versions[1:], strict=False):
        changes[newer.version] = diff(
            question_fields(older.content), question_fields(newer.content)
        )
    return render_template(
        "bank/detail.html",
        question=question,
        spec=spec_of(question),
        versions=versions,
        changes=changes,
        action_form=EmptyForm(),
        kind_labels=KIND_LABELS,
        status_labels=STATUS_LABELS,
    )


def _form(data=None) -> QuestionForm:
    form = QuestionForm(formdata=data)
    cases = db.session.execute(select(Case.uid, Case.title).order_by(Case.uid)).all()
    form.case_uid.choices = choices([("", "（不属于案例）"), *((u, f"{u} {t}") for u, t in cases)])
    return form


def _save(form: QuestionForm, base_version: int | None):
    try:
        question, changed = save_question(
            draft_from_form(form),  # a level line it cannot read is a BankInvalid too
            user=current_user,
            base_version=base_version,
            reviewed=bool(form.reviewed.data),
        )
    except BankInvalid as e:
        attach(form, e.problems)
        flash("保存失败，请按提示修改。", "error")
    except ServiceError as e:
        flash(e.message, "error")
    else:
        state = "已审核" if question.status == "reviewed" else "草稿"
        message = (
            f"已保存为第 {question.version} 版（{state}）。"
            if changed
            else f"内容没有改动（{state}）。"
        )
        flash(message, "success")
        return redirect(url_for("bank.detail", uid=question.uid))
    return None


@bp.route("/items/new", methods=["GET", "POST"])
def new():
    form = _form(request.form if request.method == "POST" else None)
    if request.method == "GET":
        kind = request.args.get("kind", "single")
        fill_form(form, Draft(kind=kind if kind in KIND_LABELS else "single", points=None))
        form.uid.data = ""
        form.case_uid.data = request.args.get("case", "")
    elif form.validate_on_submit():
        response = _save(form, None)
        if response is not None:
            return response
    return render_template("bank/edit.html", form=form, question=None)


@bp.route("/items/<uid>/edit", methods=["GET", "POST"])
def edit(uid: str):
    question = _question(uid)
    form = _form(request.form if request.method == "POST" else None)
    if request.method == "GET":
        fill_form(form, draft_from_spec(spec_of(question)))
        form.base_version.data = str(question.version)
    else:
        form.uid.data = question.uid  # the id never changes: attempts and papers name it
        if form.validate_on_submit():
            base = int(form.base_version.data) if (form.base_version.data or "").isdigit() else -1
            response = _save(form, base)
            if response is not None:
                return response
    return render_template("bank/edit.html", form=form, question=question)


@bp.route("/items/<uid>/review", methods=["POST"])
def review(uid: str):
    question = _question(uid)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        mark_reviewed(question, user=current_user)
    except ServiceError as e:
        flash(f"不能审核：{e.message}", "error")
    else:
        flash(f"“{uid}”第 {question.version} 版已审核，可以组卷和抽题。", "success")
    return redirect(url_for("bank.detail", uid=uid))


@bp.route("/items/<uid>/draft", methods=["POST"])
def to_draft(uid: str):
    question = _question(uid)
    if not EmptyForm().validate_on_submit():
        abort(400)
    return_to_draft(question)
    flash(f"“{uid}”已退回草稿，不会再被组卷或抽题。", "success")
    return redirect(url_for("bank.detail", uid=uid))
