"""Forms of the bank pages; every POST carries a CSRF token (FlaskForm)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from exam_app.content.importers import IMPORTERS
from exam_app.grading import FILL_RULES, KIND_LABELS, MULTI_RULES
from exam_app.web.choices import choices

REQUIRED = "此项必填。"
MIN_OPTION_ROWS = 8
MIN_CRITERION_ROWS = 4


class OptionRow(Form):
    text = StringField("选项内容", validators=[Optional(), Length(max=2000)])
    correct = BooleanField("正确")
    weight = DecimalField("权重（%）", places=None, validators=[Optional()])


class CriterionRow(Form):
    title = StringField("评分项", validators=[Optional(), Length(max=200)])
    points = DecimalField("分值", places=None, validators=[Optional()])
    key_points = StringField("要点（用“；”分隔）", validators=[Optional(), Length(max=2000)])
    # Blank: marked by free points; else one level per line, "正确 (3分): 要点完整准确".
    levels = TextAreaField("评分档次", validators=[Optional(), Length(max=3000)])


class QuestionForm(FlaskForm):
    uid = StringField("编号", validators=[DataRequired(REQUIRED), Length(max=80)])
    kind = SelectField("题型", choices=choices(KIND_LABELS.items()))
    topic = StringField("知识点", validators=[DataRequired(REQUIRED), Length(max=100)])
    difficulty = SelectField(
        "难度", choices=choices((str(n), str(n)) for n in range(1, 6)), default="3"
    )
    points = DecimalField("分值", places=None, validators=[InputRequired(REQUIRED)])
    stem = TextAreaField(
        "题干（Markdown；填空题用 {{1}}、{{2}} 标出空）", validators=[DataRequired(REQUIRED)]
    )
    options = FieldList(FormField(OptionRow), min_entries=MIN_OPTION_ROWS)
    multi_rule = SelectField("多选题评分", choices=choices(MULTI_RULES.items()), default="exact")
    tf_answer = RadioField("判断题答案", choices=choices([("true", "正确"), ("false", "错误")]),
                           validators=[Optional()])  # fmt: skip
    blanks = TextAreaField(
        "填空答案（每空一行；同一空的几种写法用 | 分隔；部分得分写 (50%) 写法）",
        validators=[Optional()],
    )
    any_order = BooleanField("各空答案顺序不限")
    fill_rule = SelectField("填空题评分", choices=choices(FILL_RULES.items()), default="per_blank")
    criteria = FieldList(FormField(CriterionRow), min_entries=MIN_CRITERION_ROWS)
    step = DecimalField("给分步长", places=None, default=None, validators=[Optional()])
    reference_answer = TextAreaField("参考答案", validators=[Optional()])
    guidance = TextAreaField("评分说明（给阅卷人）", validators=[Optional()])
    explanation = TextAreaField("解析", validators=[Optional()])
    source = StringField("出处", validators=[Optional(), Length(max=300)])
    tags = StringField("标签（用顿号或逗号分隔）", validators=[Optional(), Length(max=300)])
    exclusion_group = StringField(
        "互斥组（考同一内容的题写同一名称，一次考试最多抽到其中一道；仅客观题）",
        validators=[Optional(), Length(max=40)],
    )
    case_uid = SelectField("所属案例", choices=[], default="")
    reviewed = BooleanField("保存并标记为已审核（否则保存为草稿）")
    base_version = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.row_errors: dict[str, list[str]] = {}  # problems of the option / rubric tables


class CaseForm(FlaskForm):
    uid = StringField("案例编号", validators=[DataRequired(REQUIRED), Length(max=80)])
    title = StringField("标题", validators=[DataRequired(REQUIRED), Length(max=200)])
    topic = StringField("知识点", validators=[DataRequired(REQUIRED), Length(max=100)])
    source = StringField("出处", validators=[DataRequired(REQUIRED), Length(max=300)])
    scenario = TextAreaField("情景", validators=[DataRequired(REQUIRED)])
    basis = TextAreaField("依据", validators=[DataRequired(REQUIRED)])
    base_version = HiddenField()


class ImportForm(FlaskForm):
    """A file, or text pasted into the box (one of the two); the batch's topic and difficulty."""

    file = FileField("文件（Word .docx、Excel .xlsx、GIFT、Aiken）")
    text = TextAreaField(
        "或粘贴题目文本（写法与 Word 题库相同：大题标题、题号、选项、答案、解析）",
        validators=[Optional(), Length(max=2_000_000)],
    )
    format = SelectField(
        "格式",
        choices=choices(
            [("", "按扩展名判断（粘贴的文本按 Word 题库写法读）")]
            + [(key, importer.label) for key, importer in IMPORTERS.items()]
        ),
        default="",
    )
    topic = StringField(
        "知识点（文件中没有写知识点的题目归入此处；Word、文本、Aiken 必填）",
        validators=[Optional(), Length(max=100)],
    )
    difficulty = SelectField(
        "难度（Word、文本、GIFT、Aiken 的题目；Excel 按其“难度”列）",
        choices=choices((str(n), str(n)) for n in range(1, 6)),
        default="3",
    )


class ApplyImportForm(FlaskForm):
    reviewed = BooleanField("导入的题目直接标为已审核（默认为草稿，审核后才能组卷）")


class EmptyForm(FlaskForm):
    """CSRF only: review and return-to-draft buttons."""
