from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField

from exam_app.models.appeals import APPEAL_OUTCOME_LABELS
from exam_app.web.choices import choices


class DecisionForm(FlaskForm):
    """CSRF and the fields; the rules (reason required, score range) live in the service so
    the API and tests meet the same Chinese errors. Essay points are fields c-<criterion id>."""

    outcome = RadioField(
        "复核结果", choices=choices(APPEAL_OUTCOME_LABELS.items()), validate_choice=False
    )
    new_score = StringField("新得分（客观题）")
    decision_reason = TextAreaField("复核理由（考生可见，记入成绩变更记录）")
