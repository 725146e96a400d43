"""Each role sees only its own menu."""

from __future__ import annotations

from flask import Flask
from flask_login import current_user

from exam_app.models import Role

# (role, endpoint, label) in the order shown.
MENU = [
    (Role.STAFF, "exams.index", "我的考试"),
    (Role.STAFF, "records.mine", "我的考核档案"),
    (Role.REVIEWER, "review.queue", "阅卷"),
    (Role.LEAD, "papers.index", "试卷管理"),
    (Role.LEAD, "papers.bank", "题库"),
    (Role.LEAD, "papers.results", "成绩汇总"),
    (Role.ADMIN, "admin.users", "用户管理"),
]


def menu_for(user) -> list[tuple[str, str]]:
    if not user.is_authenticated:
        return []
    roles = user.roles
    return [(endpoint, label) for role, endpoint, label in MENU if role in roles]


def init_app(app: Flask) -> None:
    @app.context_processor
    def inject_menu():
        return {"menu": menu_for(current_user)}
