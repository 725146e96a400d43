from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length


class ReviewForm(FlaskForm):
    """Comment and CSRF; the per-criterion points are fields named c-<criterion id>."""

    comment = TextAreaField("评语", validators=[Length(max=2000, message="评语最多 2000 字。")])


class ActionForm(FlaskForm):
    """A button that changes something (claim, give back): CSRF only."""
