"""The example papers that ship with the platform, built through the same services a
training lead uses. Each is created once (by title) and published.

- 客户服务技能考核任务书 (seed 000 篇2): 文明用语 14, 行为规范 10, 业务流程 15 and
  供用电基本知识 "12 题任选5题，每题5分" = 25. The seed says 合计 100, but the parts it
  lists add up to 64 (the rest is not in the seed), so the paper's full marks are 64.
- 季度综合考试 (seed 001 4.4.3: 服务礼仪、沟通技巧、法律法规、行业知识) with a case section.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from exam_app.extensions import db
from exam_app.models import Paper, Question, User
from exam_app.models.base import utcnow
from exam_app.quality.calendar import quarter_of
from exam_app.services.appeals import local_date
from exam_app.services.errors import ServiceError
from exam_app.services.papers import (
    DrawRule,
    add_choice_section,
    add_draw_section,
    add_fixed_section,
    create_paper,
    publish,
)

SKILL_TEST = "客户服务技能考核任务书（示例）"
QUARTERLY = "季度综合考试（示例）"


def _uids(**where) -> list[str]:
    query = select(Question.uid).where(Question.status == "reviewed").order_by(Question.uid)
    for name, value in where.items():
        query = query.where(getattr(Question, name) == value)
    return list(db.session.scalars(query))


def _skill_test(paper: Paper) -> None:
    parts = _uids(topic="客户服务技能考核")
    titles = ["一、文明用语", "二、行为规范", "三、业务流程"]
    for title, uid in zip(titles, parts, strict=False):
        add_fixed_section(paper, title=title, question_uids=[uid])
    add_choice_section(paper, title="四、供用电基本知识（12 题任选 5 题，每题 5 分）",
                       question_uids=_uids(topic="供用电基本知识")[:12], choose_count=5,
                       points_each="5",
                       instructions="答题不完整扣 2 分。多答者按题号顺序计前 5 题。")  # fmt: skip


def _quarterly(paper: Paper) -> None:
    draws = [
        ("一、服务礼仪与文明用语", DrawRule(10, "2", topic="服务规范与文明用语", kind="single")),
        ("二、沟通技巧（判断）", DrawRule(5, "2", topic="服务规范与文明用语", kind="tf")),
        ("三、法律法规：供用电", DrawRule(5, "2", topic="供用电法规", kind="single")),
        ("四、法律法规：物业管理", DrawRule(5, "2", topic="物业管理法规", kind="single")),
        ("五、行业知识：电价", DrawRule(2, "5", topic="电价分类与执行范围", kind="multi")),
        ("六、行业知识：电费", DrawRule(2, "5", topic="电费与违约金", kind="fill")),
    ]
    for title, rule in draws:
        add_draw_section(paper, title=title, rule=rule)
    cases = db.session.scalars(
        select(Question.uid)
        .where(Question.case_id.is_not(None), Question.points == 10, Question.status == "reviewed")
        .order_by(Question.uid)
    ).all()[:4]
    add_choice_section(paper, title="七、案例分析（4 题任选 3 题）", question_uids=list(cases),
                       choose_count=3, points_each="10")  # fmt: skip


EXAMPLES = [
    # title, minutes, full marks, pass mark, instructions, builder
    (SKILL_TEST, 90, "64", "38.4", "某供电局《客户服务技能考核任务书》的笔试部分：文明用语、行为规范、业务流程、供用电基本知识。", _skill_test),
    (QUARTERLY, 90, "100", "60", "每季度一次的综合考试：服务礼仪、沟通技巧、法律法规、行业知识和案例分析。",
     _quarterly),
]  # fmt: skip


def ensure_example_papers(lead: User, days_open: int = 30) -> list[str]:
    """Create and publish the examples that do not exist yet; return what was done."""
    done = []
    now = utcnow()
    for title, minutes, full_marks, pass_mark, instructions, build in EXAMPLES:
        if db.session.scalar(select(Paper.id).where(Paper.title == title)):
            continue
        paper = create_paper(
            created_by=lead, title=title, quarter=quarter_of(local_date(now)), full_marks=full_marks,
            pass_mark=pass_mark, opens_at=now - timedelta(hours=1),
            closes_at=now + timedelta(days=days_open), time_limit_minutes=minutes,
            instructions=instructions, shuffle_options=True,
        )  # fmt: skip
        try:
            build(paper)
            publish(paper)
        except ServiceError as e:  # content missing: keep the draft, say why
            done.append(f"示例试卷「{title}」未能发布：{e.message}")
        else:
            done.append(f"已发布示例试卷「{title}」。")
    return done
