"""Each role sees only its own menu; reviewers also see how many answers wait for them."""

from __future__ import annotations

from flask import Flask, request
from flask_login import current_user

from exam_app.models import Role
from exam_app.models.base import utcnow
from exam_app.services.claims import waiting_count

# (role, endpoint, label) in the order shown.
MENU = [
    (Role.STAFF, "exams.index", "我的考试"),
    (Role.STAFF, "records.mine", "我的考核档案"),
    (Role.REVIEWER, "review.queue", "阅卷"),
    (Role.REVIEWER, "appeals.queue", "申诉复核"),
    (Role.LEAD, "papers.index", "试卷管理"),
    (Role.LEAD, "bank.index", "题库"),
    (Role.LEAD, "papers.results", "成绩汇总"),
    (Role.LEAD, "marking.index", "阅卷管理"),
    (Role.LEAD, "corrections.appeals", "申诉与更正"),
    (Role.LEAD, "reports.index", "统计报表"),
    (Role.SUPERVISOR, "quality_desk.index", "服务质量记录"),
    (Role.SUPERVISOR, "quality_desk.appeals", "记录申诉"),
    (Role.SUPERVISOR, "quality_desk.ratings_now", "定性评价"),
    (Role.LEAD, "quality_desk.index", "服务质量记录"),
    (Role.LEAD, "quality_office.months", "服务质量汇总"),
    (Role.LEAD, "quality_setup.standards_page", "考核标准"),
    (Role.HR, "reports.index", "统计报表"),
    (Role.HR, "quality_office.months", "服务质量汇总"),
    (Role.ADMIN, "admin.users", "用户管理"),
    (Role.ADMIN, "staffing.roster", "花名册导入"),
    (Role.ADMIN, "staffing.tokens", "接口令牌"),
    (Role.ADMIN, "quality_setup.rules_page", "考核规则"),
]


def menu_for(user) -> list[tuple[str, str]]:
    if not user.is_authenticated:
        return []
    roles = user.roles
    # dict.fromkeys: an entry shared by two roles (统计报表) is shown once to someone with both.
    return list(dict.fromkeys((endpoint, label) for role, endpoint, label in MENU if role in roles))


def active_entry(menu: list[tuple[str, str]], endpoint: str | None) -> str | None:
    """The menu entry the current page belongs to: the exact page, else the first
    entry of the same blueprint (试卷管理 for a paper's pages, not 成绩汇总 too)."""
    if not endpoint:
        return None
    endpoints = [e for e, _label in menu]
    if endpoint in endpoints:
        return endpoint
    blueprint = endpoint.split(".")[0]
    return next((e for e in endpoints if e.split(".")[0] == blueprint), None)


def init_app(app: Flask) -> None:
    @app.context_processor
    def inject_menu():
        waiting = None
        if current_user.is_authenticated and current_user.has_role(Role.REVIEWER):
            waiting = waiting_count(current_user, utcnow())  # one COUNT query per page
        menu = menu_for(current_user)
        return {
            "menu": menu,
            "menu_active": active_entry(menu, request.endpoint),
            "review_waiting": waiting,
        }
