from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField


class AssignForm(FlaskForm):
    assignee = SelectField("复核人", coerce=int, validate_choice=False)


class KeyForm(FlaskForm):
    """CSRF and the fields; parse_key and apply check them and name the field in Chinese."""

    key = TextAreaField("更正后的答案")
    reason = TextAreaField("更正原因（记入成绩变更记录）")
