"""Chinese for every WTForms validation message, in one place.

Forms give their own Chinese message where they can ("请填写开始时间。"); everything WTForms
says by itself (a number field given letters, a choice not offered, a length without a
message) comes through here. WTForms' own zh catalogue is the fallback, but some of its
entries are wrong ("at least" as 大于, "cannot be edited" as 必填), so every message WTForms
3 has is written out below. Flask-WTF reads translations from Flask-Babel, which this app
does not use, so FlaskForm's hook is pointed here once, at start-up.
"""

from __future__ import annotations

from flask import Flask
from flask_wtf import FlaskForm
from wtforms.i18n import get_translations

MESSAGES: dict[str, str] = {
    "This field is required.": "此项必填。",
    "Invalid input.": "输入无效。",
    "Invalid field name '%s'.": "字段名「%s」无效。",
    "Field must be equal to %(other_name)s.": "应与「%(other_name)s」一致。",
    "Field must be between %(min)d and %(max)d characters long.": "长度应为 %(min)d–%(max)d 个字。",
    "Number must be at least %(min)s.": "不能小于 %(min)s。",
    "Number must be at most %(max)s.": "不能大于 %(max)s。",
    "Number must be between %(min)s and %(max)s.": "应在 %(min)s 到 %(max)s 之间。",
    "Date must be at least %(min)s.": "日期不能早于 %(min)s。",
    "Date must be at most %(max)s.": "日期不能晚于 %(max)s。",
    "Date must be between %(min)s and %(max)s.": "日期应在 %(min)s 到 %(max)s 之间。",
    "Invalid email address.": "邮箱地址无效。",
    "Invalid IP address.": "IP 地址无效。",
    "Invalid Mac address.": "MAC 地址无效。",
    "Invalid URL.": "网址无效。",
    "Invalid UUID.": "UUID 无效。",
    "Invalid value, must be one of: %(values)s.": "值无效，应为以下之一：%(values)s。",
    "Invalid value, can't be any of: %(values)s.": "值无效，不能是：%(values)s。",
    "This field cannot be edited.": "此项不能修改。",
    "This field is disabled and cannot have a value.": "此项已停用，不能填写。",
    "Invalid CSRF Token.": "页面已过期，请刷新后重试。",
    "CSRF token missing.": "页面已过期，请刷新后重试。",
    "CSRF failed.": "页面已过期，请刷新后重试。",
    "CSRF token expired.": "页面已过期，请刷新后重试。",
    "Invalid Choice: could not coerce.": "请选择列出的选项。",
    "Choices cannot be None.": "没有可选的选项。",
    "Not a valid choice.": "请选择列出的选项。",
    "Invalid choice(s): one or more data inputs could not be coerced.": "请选择列出的选项。",
    "Not a valid datetime value.": "请填写有效的日期和时间。",
    "Not a valid date value.": "请填写有效的日期。",
    "Not a valid time value.": "请填写有效的时间。",
    "Not a valid week value.": "请填写有效的周。",
    "Not a valid integer value.": "请填写整数。",
    "Not a valid decimal value.": "请填写数字。",
    "Not a valid float value.": "请填写数字。",
}
PLURALS: dict[str, str] = {
    "Field must be at least %(min)d character long.": "至少 %(min)d 个字。",
    "Field cannot be longer than %(max)d character.": "最多 %(max)d 个字。",
    "Field must be exactly %(max)d character long.": "应为 %(max)d 个字。",
    "'%(value)s' is not a valid choice for this field.": "「%(value)s」不是可选的选项。",
}


class ChineseMessages:
    """The gettext interface WTForms asks its Meta for."""

    def __init__(self) -> None:
        self._catalogue = get_translations(["zh"])

    def gettext(self, string: str) -> str:
        return MESSAGES.get(string) or self._catalogue.gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return PLURALS.get(singular) or self._catalogue.ngettext(singular, plural, n)


CHINESE = ChineseMessages()


def _chinese(_meta, _form) -> ChineseMessages:
    return CHINESE


def init_app(app: Flask) -> None:
    FlaskForm.Meta.get_translations = _chinese  # type: ignore[method-assign]
