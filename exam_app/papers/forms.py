from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    DecimalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from exam_app.grading import FILL_RULES, KIND_LABELS, MULTI_RULES
from exam_app.models.papers import MARKING_RULE_LABELS, PAPER_KIND_LABELS, RELEASE_POLICY_LABELS
from exam_app.web.choices import choices

REQUIRED = "此项必填。"
QUARTER = Regexp(r"^20\d\dQ[1-4]$", message="格式如 2026Q4。")
WHEN = "%Y-%m-%dT%H:%M"
INHERIT = [("", "沿用题库设定")]


class PaperForm(FlaskForm):
    title = StringField("试卷名称", validators=[DataRequired(REQUIRED), Length(max=200)])
    kind = SelectField("类型", choices=choices(PAPER_KIND_LABELS.items()), default="exam")
    quarter = StringField("季度", validators=[DataRequired(REQUIRED), QUARTER])
    opens_at = DateTimeLocalField(
        "开始时间", format=WHEN, validators=[InputRequired("请填写开始时间。")]
    )
    closes_at = DateTimeLocalField(
        "结束时间", format=WHEN, validators=[InputRequired("请填写结束时间。")]
    )
    time_limit_minutes = IntegerField(
        "考试时长（分钟）",
        default=60,
        validators=[InputRequired(REQUIRED), NumberRange(1, 1440, "时长应在 1 到 1440 分钟之间。")],
    )
    full_marks = DecimalField(
        "满分（填写后发布时核对各大题合计）", places=2, validators=[Optional()]
    )
    pass_mark = DecimalField("及格分", default=60, places=2, validators=[InputRequired(REQUIRED)])
    attempts_allowed = IntegerField(
        "允许作答次数",
        default=1,
        validators=[InputRequired(REQUIRED), NumberRange(1, 20, "应在 1 到 20 之间。")],
    )
    multi_rule = SelectField(
        "多选题评分（默认）", choices=choices(MULTI_RULES.items()), default="half"
    )
    shuffle_items = BooleanField("大题内题目乱序")
    shuffle_options = BooleanField("选项乱序")
    tab_switch_limit = IntegerField(
        "切屏次数上限（超过即自动交卷，留空不限制）",
        validators=[Optional(), NumberRange(1, 100, "应在 1 到 100 之间。")],
    )
    release_policy = SelectField(
        "成绩公布", choices=choices(RELEASE_POLICY_LABELS.items()), default="auto"
    )
    double_marking = BooleanField("主观题双评")
    marking_tolerance = DecimalField("双评分差容限", default=2, places=2, validators=[Optional()])
    marking_rule = SelectField(
        "双评合分", choices=choices(MARKING_RULE_LABELS.items()), default="average"
    )
    appeal_days = IntegerField(
        "申诉期限（工作日）",
        default=5,
        validators=[InputRequired(REQUIRED), NumberRange(0, 60, "应在 0 到 60 之间。")],
    )
    instructions = TextAreaField("考试说明", validators=[Optional(), Length(max=5000)])


class _RulesMixin:
    multi_rule = SelectField(
        "本大题多选题评分", choices=choices(INHERIT + list(MULTI_RULES.items())), default=""
    )
    fill_rule = SelectField(
        "本大题填空题评分", choices=choices(INHERIT + list(FILL_RULES.items())), default=""
    )


class FixedSectionForm(_RulesMixin, FlaskForm):
    title = StringField("大题标题", validators=[DataRequired(REQUIRED), Length(max=200)])
    # Optional here: items ticked in the bank picker arrive as `pick`; the service refuses
    # a section with no items at all.
    question_uids = TextAreaField("题号（按顺序，每行一个，或用逗号分隔）", validators=[Optional()])
    points = DecimalField("每题分值（留空则用题库分值）", places=2, validators=[Optional()])


class ChoiceSectionForm(FlaskForm):
    title = StringField("大题标题", validators=[DataRequired(REQUIRED), Length(max=200)])
    question_uids = TextAreaField(
        "可选题目的题号", validators=[DataRequired("请至少填写两个题号。")]
    )
    choose_count = IntegerField("考生任选作答题数", validators=[InputRequired(REQUIRED)])
    points_each = DecimalField("每题分值", places=2, validators=[InputRequired(REQUIRED)])


class DrawSectionForm(_RulesMixin, FlaskForm):
    title = StringField("大题标题", validators=[DataRequired(REQUIRED), Length(max=200)])
    topic = SelectField("知识点", validators=[Optional()])
    kind = SelectField("题型", choices=choices([("", "不限"), *KIND_LABELS.items()]), default="")
    tag = StringField("标签（可不填）", validators=[Optional(), Length(max=50)])
    difficulty_min = IntegerField(
        "难度下限", validators=[Optional(), NumberRange(1, 5, "难度为 1–5。")]
    )
    difficulty_max = IntegerField(
        "难度上限", validators=[Optional(), NumberRange(1, 5, "难度为 1–5。")]
    )
    count = IntegerField(
        "抽题数",
        validators=[InputRequired(REQUIRED), NumberRange(1, 500, "抽题数应在 1 到 500 之间。")],
    )
    points_each = DecimalField("每题分值", places=2, validators=[InputRequired(REQUIRED)])


class AudienceForm(FlaskForm):
    departments = SelectMultipleField(
        "部门", coerce=int, option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False)
    )
    staff_numbers = TextAreaField("指定人员工号（每行一个，或用逗号分隔）", validators=[Optional()])


class CloneForm(FlaskForm):
    title = StringField("新试卷名称", validators=[DataRequired(REQUIRED), Length(max=200)])
    quarter = StringField("季度", validators=[DataRequired(REQUIRED), QUARTER])
    opens_at = DateTimeLocalField(
        "开始时间", format=WHEN, validators=[InputRequired("请填写开始时间。")]
    )
    closes_at = DateTimeLocalField(
        "结束时间", format=WHEN, validators=[InputRequired("请填写结束时间。")]
    )


class EmptyForm(FlaskForm):
    """CSRF only: publish, revise and delete buttons."""
