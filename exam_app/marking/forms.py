from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class ActionForm(FlaskForm):
    """A button that changes something (release a claim, release results): CSRF only."""


class AssignForm(FlaskForm):
    reviewer = SelectField("阅卷人", coerce=int, validators=[DataRequired("请选择阅卷人。")])


class HoldForm(FlaskForm):
    note = StringField(
        "暂缓原因（可不填）",
        validators=[Optional(), Length(max=500, message="暂缓原因最多 500 字。")],
    )


class ArbitrationForm(FlaskForm):
    """Comment (shown to the candidate) and reason (kept in the score history); points are
    fields named c-<criterion id>."""

    comment = TextAreaField(
        "评语（考生可见）", validators=[Length(max=2000, message="评语最多 2000 字。")]
    )
    reason = TextAreaField(
        "仲裁理由（记入成绩变更记录）",
        validators=[
            DataRequired("请填写仲裁理由。"),
            Length(max=500, message="仲裁理由最多 500 字。"),
        ],
    )
