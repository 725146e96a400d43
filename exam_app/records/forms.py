from flask_wtf import FlaskForm
from wtforms import TextAreaField


class AppealForm(FlaskForm):
    """CSRF and the reason; file_appeal checks it and the deadline, in Chinese."""

    reason = TextAreaField("申诉理由")
