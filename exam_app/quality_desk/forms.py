from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField

from exam_app.models.appeals import RECORD_OUTCOME_LABELS
from exam_app.web.choices import choices


class RecordForm(FlaskForm):
    """CSRF and the fields; the service checks each one and answers in Chinese."""

    person = SelectField("被考核人", validate_choice=False)
    occurred_on = StringField("发生日期", render_kw={"type": "date"})
    standard = SelectField("考核标准", validate_choice=False)
    observed = TextAreaField("情况说明（看到了什么、在哪里）", render_kw={"maxlength": 2000})
    supervisor_liable = BooleanField("经查实，直属上司负有管理责任（按 70/30 连带）")


class RecordDecisionForm(FlaskForm):
    outcome = RadioField(
        "处理结果", choices=choices(RECORD_OUTCOME_LABELS.items()), validate_choice=False
    )
    new_points = StringField("改为分值（改分时填写，如 -1）")
    decision_reason = TextAreaField("处理理由（本人可见）")


class RatingsForm(FlaskForm):
    """CSRF only: each person's score-<id> and comment-<id> are read from the form."""
