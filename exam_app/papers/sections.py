"""Adding and removing a paper's sections."""

from flask import abort, redirect, request, url_for

from exam_app.extensions import db
from exam_app.models import Section, SectionItem
from exam_app.papers import bp
from exam_app.papers.common import (
    flash_form_errors,
    paper_or_404,
    run_and_flash,
    split_ids,
    topics,
)
from exam_app.papers.forms import ChoiceSectionForm, DrawSectionForm, EmptyForm, FixedSectionForm
from exam_app.services import papers as paper_service
from exam_app.web.choices import choices


def _typed_then_picked(typed: str | None) -> list[str]:
    """Ids typed in the box, in their order, then items ticked in the bank picker that were
    not typed (the picker's script writes ticks into the box, so with script this is the box)."""
    uids = split_ids(typed)
    return uids + [u for u in dict.fromkeys(request.form.getlist("pick")) if u not in uids]


def _back(paper_id: int):
    return redirect(url_for("papers.detail", paper_id=paper_id) + "#sections")


@bp.route("/<int:paper_id>/sections/fixed", methods=["POST"])
def add_fixed(paper_id: int):
    paper = paper_or_404(paper_id)
    form = FixedSectionForm(prefix="fixed")
    if not form.validate_on_submit():
        flash_form_errors(form)
    else:
        run_and_flash(
            "已添加大题。",
            paper_service.add_fixed_section,
            paper,
            title=form.title.data,
            question_uids=_typed_then_picked(form.question_uids.data),
            points=form.points.data,
            multi_rule=form.multi_rule.data or None,
            fill_rule=form.fill_rule.data or None,
        )
    return _back(paper.id)


@bp.route("/<int:paper_id>/sections/choice", methods=["POST"])
def add_choice(paper_id: int):
    paper = paper_or_404(paper_id)
    form = ChoiceSectionForm(prefix="choice")
    if not form.validate_on_submit():
        flash_form_errors(form)
    else:
        run_and_flash(
            "已添加大题。",
            paper_service.add_choice_section,
            paper,
            title=form.title.data,
            question_uids=split_ids(form.question_uids.data),
            choose_count=form.choose_count.data,
            points_each=form.points_each.data,
        )
    return _back(paper.id)


@bp.route("/<int:paper_id>/sections/draw", methods=["POST"])
def add_draw(paper_id: int):
    paper = paper_or_404(paper_id)
    form = DrawSectionForm(prefix="draw")
    form.topic.choices = choices([("", "不限"), *((t, t) for t in topics())])
    if not form.validate_on_submit():
        flash_form_errors(form)
    else:
        rule = paper_service.DrawRule(
            count=form.count.data,
            points_each=form.points_each.data,
            topic=form.topic.data or None,
            kind=form.kind.data or None,
            tag=(form.tag.data or "").strip() or None,
            difficulty_min=form.difficulty_min.data,
            difficulty_max=form.difficulty_max.data,
        )
        run_and_flash(
            "已添加大题。",
            paper_service.add_draw_section,
            paper,
            title=form.title.data,
            rule=rule,
            multi_rule=form.multi_rule.data or None,
            fill_rule=form.fill_rule.data or None,
        )
    return _back(paper.id)


@bp.route("/<int:paper_id>/sections/<int:section_id>/delete", methods=["POST"])
def delete_section(paper_id: int, section_id: int):
    paper = paper_or_404(paper_id)
    section = db.session.get(Section, section_id)
    if section is None or section.paper_id != paper.id:
        abort(404)
    if EmptyForm().validate_on_submit():
        run_and_flash("已删除大题。", paper_service.remove_section, paper, section)
    return _back(paper.id)


@bp.route("/<int:paper_id>/items/<int:item_id>/rule", methods=["POST"])
def set_item_rule(paper_id: int, item_id: int):
    paper = paper_or_404(paper_id)
    item = db.session.get(SectionItem, item_id)
    if item is None or item.section_id not in {s.id for s in paper.sections}:
        abort(404)
    if EmptyForm().validate_on_submit():
        run_and_flash(
            f"已设置 {item.question.uid} 的评分规则。",
            paper_service.set_item_rule,
            paper,
            item,
            request.form.get("rule") or None,
        )
    return _back(paper.id)
