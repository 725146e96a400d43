"""Create a paper, edit its settings and audience, publish, revise, clone."""

from dataclasses import fields

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from exam_app.extensions import db
from exam_app.grading import FILL_RULES, KIND_LABELS, MULTI_RULES
from exam_app.models import Department
from exam_app.papers import bp
from exam_app.papers.common import (
    flash_form_errors,
    paper_or_404,
    run_and_flash,
    settings_from,
    show_error,
    split_ids,
    topics,
)
from exam_app.papers.forms import (
    AudienceForm,
    ChoiceSectionForm,
    CloneForm,
    DrawSectionForm,
    EmptyForm,
    FixedSectionForm,
    PaperForm,
)
from exam_app.services import ServiceError
from exam_app.services import audience as audience_service
from exam_app.services import papers as paper_service
from exam_app.services.bank_search import ItemFilter, all_tags, find_items
from exam_app.services.preparing import prepare_after_publish
from exam_app.web.choices import choices
from exam_app.web.filters import local_to_utc, utc_to_local


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = PaperForm()
    if form.validate_on_submit():
        try:
            settings = settings_from(form)
            paper = paper_service.create_paper(
                created_by=current_user,
                **{f.name: getattr(settings, f.name) for f in fields(settings)},
            )
        except ServiceError as e:
            show_error(form, e)
        else:
            flash("试卷已创建，请添加大题。", "success")
            return redirect(url_for("papers.detail", paper_id=paper.id))
    return render_template("papers/settings.html", form=form, paper=None)


@bp.route("/<int:paper_id>/settings", methods=["GET", "POST"])
def edit(paper_id: int):
    paper = paper_or_404(paper_id)
    form = PaperForm(obj=paper if request.method == "GET" else None)
    if request.method == "GET":
        form.opens_at.data = utc_to_local(paper.opens_at)
        form.closes_at.data = utc_to_local(paper.closes_at)
    if form.validate_on_submit():
        try:
            paper_service.update_settings(paper, settings_from(form))
        except ServiceError as e:
            show_error(form, e)
        else:
            flash("试卷设置已保存。", "success")
            return redirect(url_for("papers.detail", paper_id=paper.id))
    return render_template("papers/settings.html", form=form, paper=paper)


@bp.route("/<int:paper_id>")
def detail(paper_id: int):
    paper = paper_or_404(paper_id)
    draw_form = DrawSectionForm(prefix="draw")
    draw_form.topic.choices = choices([("", "不限"), *((t, t) for t in topics())])
    audience_form = AudienceForm(prefix="aud")
    audience_form.departments.choices = choices(
        (str(d.id), d.name)
        for d in db.session.scalars(select(Department).order_by(Department.name))
    )
    audience_form.departments.data = [a.department_id for a in paper.audience if a.department_id]
    audience_form.staff_numbers.data = "\n".join(a.user.staff_no for a in paper.audience if a.user)
    pools = {s.id: paper_service.draw_pool_size(s) for s in paper.sections if s.mode == "draw"}
    wanted = ItemFilter.from_args(request.args)
    return render_template(
        "papers/detail.html",
        paper=paper,
        fixed_form=FixedSectionForm(prefix="fixed"),
        choice_form=ChoiceSectionForm(prefix="choice"),
        draw_form=draw_form,
        audience_form=audience_form,
        clone_form=CloneForm(prefix="clone", data={"title": paper.title, "quarter": paper.quarter}),
        action_form=EmptyForm(),
        pools=pools,
        describe_rule=paper_service.describe_rule,
        audience=audience_service.describe(paper),
        problems=paper_service.publish_problems(paper) if paper.status == "draft" else [],
        kind_labels=KIND_LABELS,
        rule_labels={**MULTI_RULES, **FILL_RULES},
        multi_rules=MULTI_RULES,
        fill_rules=FILL_RULES,
        wanted=wanted,
        found=find_items(wanted) if wanted.given else None,
        tags=all_tags() if paper.status == "draft" else [],
        freezes=paper_service.what_publishing_freezes(paper),
    )


@bp.route("/<int:paper_id>/picker")
def picker(paper_id: int):
    """The bank picker's results alone: the builder swaps them in without reloading."""
    paper = paper_or_404(paper_id)
    wanted = ItemFilter.from_args(request.args)
    return render_template(
        "papers/_picker_results.html",
        paper=paper,
        wanted=wanted,
        found=find_items(wanted),
        kind_labels=KIND_LABELS,
    )


@bp.route("/<int:paper_id>/audience", methods=["POST"])
def set_audience(paper_id: int):
    paper = paper_or_404(paper_id)
    form = AudienceForm(prefix="aud")
    form.departments.choices = choices(
        (str(d.id), d.name) for d in db.session.scalars(select(Department))
    )
    if not form.validate_on_submit():
        flash_form_errors(form)
    else:
        run_and_flash(
            "考试名单已保存。",
            audience_service.set_audience,
            paper,
            form.departments.data or [],
            split_ids(form.staff_numbers.data),
        )
    return redirect(url_for("papers.detail", paper_id=paper.id))


@bp.route("/<int:paper_id>/publish", methods=["POST"])
def publish(paper_id: int):
    paper = paper_or_404(paper_id)
    if EmptyForm().validate_on_submit() and run_and_flash(
        "试卷已发布。", paper_service.publish, paper
    ):
        # Each sitter's draw is made now, not when the whole centre presses 开始考试.
        made, left = prepare_after_publish(paper)
        if made:
            flash(f"已为 {made} 人预先抽好试题，开考时可直接作答。"
                  + (f"其余 {left} 人由定时任务在开考前备好。" if left else ""), "success")  # fmt: skip
    return redirect(url_for("papers.detail", paper_id=paper_id))


@bp.route("/<int:paper_id>/revise", methods=["POST"])
def revise(paper_id: int):
    paper = paper_or_404(paper_id)
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("papers.detail", paper_id=paper.id))
    try:
        draft = paper_service.revise(paper, current_user)
    except ServiceError as e:
        flash(e.message, "error")
        return redirect(url_for("papers.detail", paper_id=paper.id))
    flash(f"已生成第 {draft.version} 版草稿；发布后旧版本将不再接受新的作答。", "success")
    return redirect(url_for("papers.detail", paper_id=draft.id))


@bp.route("/<int:paper_id>/clone", methods=["POST"])
def clone(paper_id: int):
    paper = paper_or_404(paper_id)
    form = CloneForm(prefix="clone")
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("papers.detail", paper_id=paper.id))
    try:
        copy = paper_service.clone(
            paper,
            current_user,
            title=form.title.data,
            quarter=form.quarter.data,
            opens_at=local_to_utc(form.opens_at.data),
            closes_at=local_to_utc(form.closes_at.data),
        )
    except ServiceError as e:
        flash(e.message, "error")
        return redirect(url_for("papers.detail", paper_id=paper.id))
    flash("已复制为新的草稿试卷。", "success")
    return redirect(url_for("papers.detail", paper_id=copy.id))
