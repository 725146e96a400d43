import re

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from exam_app.extensions import db
from exam_app.grading import KIND_LABELS
from exam_app.models import Attempt, Paper, QuarterResult, Question, Section, User
from exam_app.papers import bp
from exam_app.papers.forms import DrawSectionForm, EmptyForm, FixedSectionForm, PaperForm
from exam_app.services import ServiceError
from exam_app.services import papers as paper_service
from exam_app.services.staff_files import results_of
from exam_app.web.choices import choices
from exam_app.web.filters import local_to_utc


def _paper(paper_id: int) -> Paper:
    return db.session.get(Paper, paper_id) or abort(404)


def _topics() -> list[str]:
    return list(db.session.scalars(select(Question.topic).distinct().order_by(Question.topic)))


@bp.route("/")
def index():
    papers = db.session.scalars(select(Paper).order_by(Paper.created_at.desc())).all()
    counts = dict(
        db.session.execute(select(Attempt.paper_id, func.count()).group_by(Attempt.paper_id)).all()
    )
    return render_template("papers/index.html", papers=papers, counts=counts)


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = PaperForm()
    if form.validate_on_submit():
        try:
            paper = paper_service.create_paper(
                title=form.title.data,
                quarter=form.quarter.data,
                opens_at=local_to_utc(form.opens_at.data),
                closes_at=local_to_utc(form.closes_at.data),
                time_limit_minutes=form.time_limit_minutes.data,
                pass_mark=form.pass_mark.data,
                multi_rule=form.multi_rule.data,
                instructions=form.instructions.data or "",
                created_by=current_user,
            )
        except ServiceError as e:
            target = getattr(form, e.field, None) if e.field else None
            if target is not None:
                target.errors.append(e.message)
            else:
                flash(e.message, "error")
        else:
            flash("试卷已创建，请添加大题。", "success")
            return redirect(url_for("papers.detail", paper_id=paper.id))
    return render_template("papers/new.html", form=form)


@bp.route("/<int:paper_id>")
def detail(paper_id: int):
    paper = _paper(paper_id)
    draw_form = DrawSectionForm(prefix="draw")
    draw_form.topic.choices = choices((t, t) for t in _topics())
    pools = {s.id: paper_service.draw_pool_size(s) for s in paper.sections if s.mode == "draw"}
    return render_template(
        "papers/detail.html",
        paper=paper,
        fixed_form=FixedSectionForm(prefix="fixed"),
        draw_form=draw_form,
        action_form=EmptyForm(),
        pools=pools,
        problems=paper_service.publish_problems(paper) if paper.status == "draft" else [],
        kind_labels=KIND_LABELS,
    )


@bp.route("/<int:paper_id>/sections/fixed", methods=["POST"])
def add_fixed(paper_id: int):
    paper = _paper(paper_id)
    form = FixedSectionForm(prefix="fixed")
    if not form.validate_on_submit():
        flash(
            "；".join(f"{getattr(form, k).label.text}：{v[0]}" for k, v in form.errors.items()),
            "error",
        )
        return redirect(url_for("papers.detail", paper_id=paper.id))
    uids = [u for u in re.split(r"[\s,，、]+", form.question_uids.data) if u]
    try:
        paper_service.add_fixed_section(
            paper, title=form.title.data, question_uids=uids, points=form.points.data
        )
    except ServiceError as e:
        flash(e.message, "error")
    return redirect(url_for("papers.detail", paper_id=paper.id))


@bp.route("/<int:paper_id>/sections/draw", methods=["POST"])
def add_draw(paper_id: int):
    paper = _paper(paper_id)
    form = DrawSectionForm(prefix="draw")
    form.topic.choices = choices((t, t) for t in _topics())
    if not form.validate_on_submit():
        flash(
            "；".join(f"{getattr(form, k).label.text}：{v[0]}" for k, v in form.errors.items()),
            "error",
        )
        return redirect(url_for("papers.detail", paper_id=paper.id))
    try:
        paper_service.add_draw_section(
            paper,
            title=form.title.data,
            topic=form.topic.data,
            kind=form.kind.data or None,
            count=form.count.data,
            points_each=form.points_each.data,
        )
    except ServiceError as e:
        flash(e.message, "error")
    return redirect(url_for("papers.detail", paper_id=paper.id))


@bp.route("/<int:paper_id>/sections/<int:section_id>/delete", methods=["POST"])
def delete_section(paper_id: int, section_id: int):
    paper = _paper(paper_id)
    section = db.session.get(Section, section_id)
    if section is None or section.paper_id != paper.id or not EmptyForm().validate_on_submit():
        abort(400)
    try:
        paper_service.remove_section(paper, section)
    except ServiceError as e:
        flash(e.message, "error")
    return redirect(url_for("papers.detail", paper_id=paper.id))


@bp.route("/<int:paper_id>/publish", methods=["POST"])
def publish(paper_id: int):
    paper = _paper(paper_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        paper_service.publish(paper)
    except ServiceError as e:
        flash(e.message, "error")
    else:
        flash("试卷已发布。", "success")
    return redirect(url_for("papers.detail", paper_id=paper.id))


@bp.route("/bank")
def bank():
    topic = request.args.get("topic", "")
    query = select(Question).order_by(Question.topic, Question.uid)
    if topic:
        query = query.where(Question.topic == topic)
    questions = db.session.scalars(query.limit(500)).all()
    return render_template(
        "papers/bank.html",
        questions=questions,
        topics=_topics(),
        topic=topic,
        kind_labels=KIND_LABELS,
    )


@bp.route("/results")
def results():
    quarter = request.args.get("quarter", "")
    query = (
        select(QuarterResult, User)
        .join(User, QuarterResult.user_id == User.id)
        .order_by(QuarterResult.quarter.desc(), User.staff_no)
    )
    if quarter:
        query = query.where(QuarterResult.quarter == quarter)
    rows = db.session.execute(query).all()
    quarters = list(
        db.session.scalars(
            select(QuarterResult.quarter).distinct().order_by(QuarterResult.quarter.desc())
        )
    )
    return render_template("papers/results.html", rows=rows, quarters=quarters, quarter=quarter)


@bp.route("/staff/<int:user_id>")
def staff_file(user_id: int):
    person = db.session.get(User, user_id) or abort(404)
    return render_template(
        "records/staff_file.html", person=person, results=results_of(person), own=False
    )
