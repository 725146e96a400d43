from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from exam_app.models.people import ROLE_LABELS
from exam_app.web.choices import choices

REQUIRED = "此项必填。"


def _roles_field() -> SelectMultipleField:
    return SelectMultipleField(
        "角色",
        choices=choices(ROLE_LABELS.items()),
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
        validators=[DataRequired("至少选择一个角色。")],
    )


class PersonForm(FlaskForm):
    """What an admin edits of a person; the username stays as it was made."""

    name = StringField("姓名", validators=[DataRequired(REQUIRED), Length(max=50)])
    staff_no = StringField("工号", validators=[DataRequired(REQUIRED), Length(max=30)])
    department = StringField("部门", validators=[Length(max=100)])
    position = StringField("岗位", validators=[Length(max=50)])
    # The direct superior (直属上司), by 工号: shares faults 70/30 and rates the person.
    supervisor = StringField("直属上司工号（可空）", validators=[Length(max=30)])
    roles = _roles_field()


class UserForm(PersonForm):
    """A new account: a one-time password is made and shown once; the person sets their
    own at first sign-in. The superior is set afterwards, on the person's page."""

    supervisor = None
    username = StringField("用户名", validators=[DataRequired(REQUIRED), Length(max=50)])


class EmptyForm(FlaskForm):
    """CSRF only: the reset, disable and re-enable buttons."""
