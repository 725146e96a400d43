"""Build and publish papers. A published paper is frozen: attempts rely on it."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select

from exam_app.extensions import db
from exam_app.grading import KIND_LABELS, MULTI_RULES
from exam_app.models import Paper, Question, Section, SectionItem, User
from exam_app.models.base import utcnow
from exam_app.services.errors import ServiceError

QUARTER = re.compile(r"^20\d\dQ[1-4]$")


def _decimal(value, field: str, label: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ServiceError(f"{label}不是有效的数字。", field=field) from None
    if not number.is_finite() or number <= 0 or number != number.quantize(Decimal("0.01")):
        raise ServiceError(f"{label}必须是大于 0、最多两位小数的数。", field=field)
    return number


def _editable(paper: Paper) -> None:
    if paper.status != "draft":
        raise ServiceError(f"试卷「{paper.title}」已{paper.status_label}，不能再修改。")


def create_paper(
    *,
    title: str,
    quarter: str,
    opens_at: datetime,
    closes_at: datetime,
    time_limit_minutes: int,
    pass_mark,
    created_by: User,
    instructions: str = "",
    multi_rule: str = "half",
) -> Paper:
    if not title.strip():
        raise ServiceError("试卷名称不能为空。", field="title")
    if not QUARTER.match(quarter):
        raise ServiceError("季度格式应为 2026Q4 这样的形式。", field="quarter")
    if closes_at <= opens_at:
        raise ServiceError("结束时间必须晚于开始时间。", field="closes_at")
    if time_limit_minutes <= 0:
        raise ServiceError("考试时长必须大于 0 分钟。", field="time_limit_minutes")
    if multi_rule not in MULTI_RULES:
        raise ServiceError("多选题评分规则无效。", field="multi_rule")
    paper = Paper(
        title=title.strip(),
        quarter=quarter,
        instructions=instructions,
        opens_at=opens_at,
        closes_at=closes_at,
        time_limit_minutes=time_limit_minutes,
        pass_mark=_decimal(pass_mark, "pass_mark", "及格分"),
        multi_rule=multi_rule,
        created_by_id=created_by.id,
    )
    db.session.add(paper)
    db.session.commit()
    return paper


def _next_position(paper: Paper) -> int:
    return max((s.position for s in paper.sections), default=0) + 1


def add_fixed_section(
    paper: Paper, *, title: str, question_uids: list[str], points=None, instructions: str = ""
) -> Section:
    """Fixed items; `points` overrides each item's bank points when given."""
    _editable(paper)
    if not title.strip():
        raise ServiceError("大题标题不能为空。", field="title")
    uids = [u.strip() for u in question_uids if u.strip()]
    if not uids:
        raise ServiceError("固定题大题至少要选一道题。", field="question_uids")
    if len(set(uids)) != len(uids):
        raise ServiceError("同一道题不能在一个大题中出现两次。", field="question_uids")
    found = {q.uid: q for q in db.session.scalars(select(Question).where(Question.uid.in_(uids)))}
    missing = [u for u in uids if u not in found]
    if missing:
        raise ServiceError(f"题库中没有这些题号：{'、'.join(missing)}", field="question_uids")
    drafts = [u for u in uids if found[u].status != "reviewed"]
    if drafts:
        raise ServiceError(
            f"这些题目尚未审核，不能组卷：{'、'.join(drafts)}", field="question_uids"
        )
    each = _decimal(points, "points", "每题分值") if points not in (None, "") else None
    section = Section(
        paper=paper,
        position=_next_position(paper),
        title=title.strip(),
        instructions=instructions,
        mode="fixed",
    )
    for pos, uid in enumerate(uids, start=1):
        question = found[uid]
        section.items.append(
            SectionItem(question=question, position=pos, points=each or question.points)
        )
    db.session.add(section)
    db.session.commit()
    return section


def add_draw_section(
    paper: Paper,
    *,
    title: str,
    topic: str,
    count: int,
    points_each,
    kind: str | None = None,
    instructions: str = "",
) -> Section:
    _editable(paper)
    if not title.strip():
        raise ServiceError("大题标题不能为空。", field="title")
    if kind and kind not in KIND_LABELS:
        raise ServiceError("题型无效。", field="kind")
    if count <= 0:
        raise ServiceError("抽题数量必须大于 0。", field="count")
    section = Section(
        paper=paper,
        position=_next_position(paper),
        title=title.strip(),
        instructions=instructions,
        mode="draw",
        draw_topic=topic,
        draw_kind=kind or None,
        draw_count=count,
        points_each=_decimal(points_each, "points_each", "每题分值"),
    )
    db.session.add(section)
    db.session.commit()
    return section


def remove_section(paper: Paper, section: Section) -> None:
    _editable(paper)
    paper.sections.remove(section)
    db.session.commit()


def draw_pool_size(section: Section) -> int:
    query = select(func.count(Question.id)).where(
        Question.topic == section.draw_topic, Question.status == "reviewed"
    )
    if section.draw_kind:
        query = query.where(Question.kind == section.draw_kind)
    return db.session.scalar(query) or 0


def publish_problems(paper: Paper) -> list[str]:
    """Why this paper cannot be published yet, each naming its section."""
    problems = []
    if not paper.sections:
        problems.append("试卷还没有任何大题。")
    for s in paper.sections:
        name = f"第 {s.position} 大题「{s.title}」"
        if s.mode == "draw":
            pool = draw_pool_size(s)
            if pool < (s.draw_count or 0):
                problems.append(f"{name}要抽 {s.draw_count} 题，但题库中只有 {pool} 道可用题。")
        elif not s.items:
            problems.append(f"{name}没有题目。")
    if paper.sections and paper.pass_mark > paper.total_points:
        problems.append(f"及格分 {paper.pass_mark} 高于试卷总分 {paper.total_points}。")
    return problems


def publish(paper: Paper) -> None:
    _editable(paper)
    problems = publish_problems(paper)
    if problems:
        raise ServiceError("无法发布：" + "；".join(problems))
    paper.status = "published"
    paper.published_at = utcnow()
    db.session.commit()
