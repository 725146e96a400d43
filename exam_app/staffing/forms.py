from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length


class RosterForm(FlaskForm):
    file = FileField("花名册（.xlsx）", validators=[FileRequired("请选择要导入的文件。")])
    preview = BooleanField("只预览，不导入", default=True)


class TokenForm(FlaskForm):
    name = StringField(
        "用途（哪个系统使用）", validators=[DataRequired("此项必填。"), Length(max=100)]
    )


class EmptyForm(FlaskForm):
    """CSRF only: the revoke button."""
