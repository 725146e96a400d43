from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    DecimalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from exam_app.grading import KIND_LABELS, MULTI_RULES
from exam_app.web.choices import choices

REQUIRED = "此项必填。"


class PaperForm(FlaskForm):
    title = StringField("试卷名称", validators=[DataRequired(REQUIRED), Length(max=200)])
    quarter = StringField(
        "季度",
        validators=[DataRequired(REQUIRED), Regexp(r"^20\d\dQ[1-4]$", message="格式如 2026Q4。")],
    )
    opens_at = DateTimeLocalField(
        "开始时间", format="%Y-%m-%dT%H:%M", validators=[InputRequired("请填写开始时间。")]
    )
    closes_at = DateTimeLocalField(
        "结束时间", format="%Y-%m-%dT%H:%M", validators=[InputRequired("请填写结束时间。")]
    )
    time_limit_minutes = IntegerField(
        "考试时长（分钟）",
        default=60,
        validators=[InputRequired(REQUIRED), NumberRange(1, 600, "时长应在 1 到 600 分钟之间。")],
    )
    pass_mark = DecimalField("及格分", default=60, places=2, validators=[InputRequired(REQUIRED)])
    multi_rule = SelectField("多选题评分", choices=choices(MULTI_RULES.items()), default="half")
    instructions = TextAreaField("考试说明", validators=[Optional(), Length(max=5000)])


class FixedSectionForm(FlaskForm):
    title = StringField("大题标题", validators=[DataRequired(REQUIRED), Length(max=200)])
    question_uids = TextAreaField(
        "题号（每行一个，或用逗号分隔）", validators=[DataRequired("请至少填写一个题号。")]
    )
    points = DecimalField("每题分值（留空则用题库分值）", places=2, validators=[Optional()])


class DrawSectionForm(FlaskForm):
    title = StringField("大题标题", validators=[DataRequired(REQUIRED), Length(max=200)])
    topic = SelectField("知识点", validators=[DataRequired(REQUIRED)])
    kind = SelectField("题型", choices=choices([("", "不限"), *KIND_LABELS.items()]), default="")
    count = IntegerField(
        "抽题数",
        validators=[InputRequired(REQUIRED), NumberRange(1, 500, "抽题数应在 1 到 500 之间。")],
    )
    points_each = DecimalField("每题分值", places=2, validators=[InputRequired(REQUIRED)])


class EmptyForm(FlaskForm):
    """CSRF only: publish and delete buttons."""
