"""Demo accounts and a sample paper, so a new install can walk the whole loop at once."""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from exam_app.extensions import db
from exam_app.models import Paper, Question, Role, User
from exam_app.models.base import utcnow
from exam_app.quality.calendar import quarter_of
from exam_app.services.accounts import create_user
from exam_app.services.appeals import local_date
from exam_app.services.papers import add_draw_section, add_fixed_section, create_paper, publish

# username, name, staff number, department, roles
DEMO_PEOPLE = [
    ("admin", "系统管理员", "A0001", "综合管理部", {Role.ADMIN}),
    ("lead1", "王培训", "L0001", "培训中心", {Role.LEAD}),
    ("reviewer1", "李阅卷", "R0001", "培训中心", {Role.REVIEWER}),
    ("reviewer2", "赵复核", "R0002", "客服二部", {Role.REVIEWER, Role.STAFF}),
    ("staff1", "张小明", "S1001", "客服一部", {Role.STAFF}),
    ("staff2", "陈丽", "S1002", "客服一部", {Role.STAFF}),
    ("staff3", "刘洋", "S2001", "客服二部", {Role.STAFF}),
    ("hr1", "孙人事", "H0001", "人力资源部", {Role.HR}),
    ("sup1", "周主管", "M1001", "客服一部", {Role.SUPERVISOR}),
    ("sup2", "吴主管", "M2001", "客服二部", {Role.SUPERVISOR}),
]
DEMO_PAPER_TITLE = "综合业务考试（示例）"


def ensure_demo_accounts(credentials_file: Path) -> list[tuple[str, str, str]]:
    """Create missing demo accounts with random passwords; return (user, password, roles).

    Passwords are kept in instance/ (never in the repository) so a second run can
    print them again.
    """
    known: dict[str, str] = {}
    if credentials_file.exists():
        for line in credentials_file.read_text(encoding="utf-8").splitlines():
            if "\t" in line:
                user, password = line.split("\t", 1)
                known[user] = password
    rows = []
    for username, name, staff_no, dept, roles in DEMO_PEOPLE:
        exists = db.session.scalar(select(User).where(User.username == username))
        if exists is None:
            known[username] = secrets.token_urlsafe(9)
            create_user(
                username=username,
                name=name,
                staff_no=staff_no,
                password=known[username],
                roles=roles,
                department=dept,
            )
        labels = "、".join(r.label for r in sorted(roles))
        rows.append((username, known.get(username, "（已存在，密码未记录）"), labels))
    credentials_file.parent.mkdir(parents=True, exist_ok=True)
    credentials_file.write_text("".join(f"{u}\t{p}\n" for u, p in known.items()), encoding="utf-8")
    credentials_file.chmod(0o600)
    return rows


def ensure_demo_paper(lead_username: str = "lead1") -> Paper | None:
    """A published paper with a fixed section of every objective type, a draw and a case."""
    if db.session.scalar(select(Paper).where(Paper.title == DEMO_PAPER_TITLE)):
        return None
    lead = db.session.scalar(select(User).where(User.username == lead_username))
    questions = db.session.scalars(select(Question).order_by(Question.uid)).all()
    fixed = []
    for kind in ("single", "multi", "tf", "fill"):
        fixed += [q.uid for q in questions if q.kind == kind and q.case_id is None][:2]
    case_items = [q.uid for q in questions if q.case_id is not None][:1]
    draw_topic = "供用电基本知识"
    pool = [q for q in questions if q.topic == draw_topic and q.kind == "essay"]
    if lead is None or not fixed or not case_items or len(pool) < 2:
        return None
    now = utcnow()
    paper = create_paper(
        title=DEMO_PAPER_TITLE,
        quarter=quarter_of(local_date(now)),
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=30),
        time_limit_minutes=60,
        pass_mark="18",
        created_by=lead,
        instructions="本卷含客观题、简答题和案例分析题。答案随作答自动保存。",
    )
    add_fixed_section(paper, title="一、客观题", question_uids=fixed, points="2")
    add_draw_section(paper, title="二、供用电基本知识（随机抽 2 题）", topic=draw_topic,
                     count=2, points_each="5", kind="essay")  # fmt: skip
    add_fixed_section(paper, title="三、案例分析", question_uids=case_items)
    publish(paper)
    return paper
