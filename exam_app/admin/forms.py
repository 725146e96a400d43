from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from exam_app.models.people import ROLE_LABELS
from exam_app.web.choices import choices

REQUIRED = "此项必填。"


class UserForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired(REQUIRED), Length(max=50)])
    name = StringField("姓名", validators=[DataRequired(REQUIRED), Length(max=50)])
    staff_no = StringField("工号", validators=[DataRequired(REQUIRED), Length(max=30)])
    department = StringField("部门", validators=[Length(max=100)])
    roles = SelectMultipleField(
        "角色",
        choices=choices(ROLE_LABELS.items()),
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
        validators=[DataRequired("至少选择一个角色。")],
    )
    password = PasswordField(
        "初始密码（至少 8 位）",
        validators=[DataRequired(REQUIRED), Length(min=8, max=200, message="密码至少 8 位。")],
    )
