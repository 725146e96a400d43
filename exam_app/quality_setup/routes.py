from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField

from exam_app.extensions import db
from exam_app.models import QualityStandard
from exam_app.models.base import utcnow
from exam_app.quality import DEFAULT_RULES, rules_form
from exam_app.quality.calendar import month_label, quarter_label, quarter_of
from exam_app.quality_setup import bp
from exam_app.services import ServiceError
from exam_app.services.appeals import local_date
from exam_app.services.quality import quarters, rules, standards
from exam_app.services.quality.months import current_rules


class StandardForm(FlaskForm):
    title = StringField("标题", render_kw={"maxlength": 200})
    points = StringField("分值（扣分写负数，如 -2；加分写正数，如 5）")
    category = StringField("类别", render_kw={"maxlength": 100})
    source = StringField("出处（文件名称）", render_kw={"maxlength": 200})
    text = TextAreaField("标准内容", render_kw={"maxlength": 2000})


class WeightsForm(FlaskForm):
    exam = StringField("考试成绩（%）")
    quality = StringField("服务质量（%）")
    rating = StringField("定性评价（%）")


@bp.route("/standards", methods=["GET", "POST"])
def standards_page():
    form = StandardForm()
    error_field, status = None, 200
    if form.validate_on_submit():
        try:
            added = standards.add_standard(
                current_user, title=form.title.data or "", text=form.text.data or "",
                points=form.points.data or "", category=form.category.data or "",
                source=form.source.data or "", now=utcnow(),
            )  # fmt: skip
        except ServiceError as e:
            flash(e.message, "error")
            error_field, status = e.field, e.status
        else:
            flash(f"已新增考核标准 {added.code}：{added.title}。", "success")
            return redirect(url_for("quality_setup.standards_page"))
    elif request.method == "POST":
        abort(400)
    return render_template(
        "quality/standards.html", form=form, action=FlaskForm(), error_field=error_field,
        rows=standards.every_standard(),
    ), status  # fmt: skip


@bp.route("/standards/<int:standard_id>/retire", methods=["POST"])
def retire(standard_id: int):
    standard = db.session.get(QualityStandard, standard_id) or abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        standards.retire_standard(current_user, standard, utcnow())
    except ServiceError as e:
        flash(e.message, "error")
    else:
        flash(f"已停用 {standard.code}：已有记录保留，新记录不再可选。", "success")
    return redirect(url_for("quality_setup.standards_page"))


@bp.route("/weights/")
def weights_now():
    quarter = quarter_of(local_date(utcnow()))
    return redirect(url_for("quality_setup.weights", quarter=quarter))


@bp.route("/weights/<quarter>", methods=["GET", "POST"])
def weights(quarter: str):
    try:
        quarters.checked_quarter(quarter)
    except ServiceError:
        abort(404)
    row = quarters.weights_of(quarter)
    form = WeightsForm(data={"exam": row.exam, "quality": row.quality, "rating": row.rating}
                       if row else {"exam": 40, "quality": 40, "rating": 20})  # fmt: skip
    error_field, status = None, 200
    if form.validate_on_submit():
        try:
            quarters.set_weights(current_user, quarter, form.exam.data or "",
                                 form.quality.data or "", form.rating.data or "", utcnow())  # fmt: skip
        except ServiceError as e:
            flash(e.message, "error")
            error_field, status = e.field, e.status
        else:
            flash(f"已保存{quarter_label(quarter)}的权重。", "success")
            return redirect(url_for("quality_setup.weights", quarter=quarter))
    elif request.method == "POST":
        abort(400)
    return render_template(
        "quality/weights.html", form=form, quarter=quarter, label=quarter_label(quarter),
        row=row, error_field=error_field,
    ), status  # fmt: skip


@bp.route("/rules", methods=["GET", "POST"])
def rules_page():
    action = FlaskForm()
    values, problems, status = rules_form.form_values(current_rules()), {}, 200
    if request.method == "POST":
        if not action.validate_on_submit():
            abort(400)
        values = {name: request.form.get(name, "") for name in rules_form.field_names()}
        try:
            draft = rules_form.rules_from_form(values)
        except rules_form.RulesFormInvalid as e:
            problems, status = e.problems, 400
        else:
            if rules.set_rules(current_user, draft.rules, utcnow()):
                flash("已保存考核规则：所有尚未确认的月份即按新规则计算。", "success")
            else:
                flash("规则没有变化，未保存。", "success")
            for warning in draft.warnings:
                flash(warning, "warning")
            return redirect(url_for("quality_setup.rules_page"))
    in_force = current_rules()
    filled = [n for n in range(1, rules_form.BAND_ROWS + 1)
              if any(values.get(rules_form.band_field(n, p)) for p in rules_form.BAND_LABELS)]  # fmt: skip
    return render_template(
        "quality/rules.html", action=action, values=values, problems=problems,
        rules=in_force, defaults=DEFAULT_RULES, gaps=rules_form.gaps(in_force),
        scope=rules.scope(), last=rules.last_change(), labels=rules_form.LABELS,
        band_labels=rules_form.BAND_LABELS, band_rows=rules_form.BAND_ROWS,
        band_field=rules_form.band_field, span=rules_form.span, month_label=month_label,
        shown=min(rules_form.BAND_ROWS, max(filled, default=0) + 2),
    ), status  # fmt: skip


@bp.route("/rules/reset", methods=["POST"])
def reset_rules():
    if not FlaskForm().validate_on_submit():
        abort(400)
    if rules.reset_rules(current_user, utcnow()):
        flash("已恢复考核办法 §4.2 的默认规则。", "success")
    else:
        flash("现行规则已是默认规则，未保存。", "success")
    return redirect(url_for("quality_setup.rules_page"))
