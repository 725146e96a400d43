"""Papers with one 10-point essay, sat and submitted, ready to be marked.

The essay is this file's own question, so the worked examples of grading-rules.md (8 and 9,
5 and 9 then 8, 4 and 9 then 6.5) fit its rubric whatever the shipped bank holds.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from exam_app.extensions import db
from exam_app.models import Attempt, AttemptItem, Paper, Question, User
from exam_app.models.base import utcnow
from exam_app.services.attempts import start_attempt, submit
from exam_app.services.autosave import save_answer
from exam_app.services.papers import add_fixed_section, create_paper, publish

ESSAY_UID = "marking-test-essay"
KEY_POINT = "广告收入扣除合理成本后属于业主共有"
RUBRIC = [
    {"id": "c1", "title": "事实认定", "points": "4", "step": "0.5",
     "key_points": ["平台属于业主共有部分", "物业公司擅自设置广告"]},
    {"id": "c2", "title": "收益归属", "points": "6", "step": "0.5",
     "key_points": [KEY_POINT, "主要用于补充专项维修资金"]},
]  # fmt: skip
ANSWER = f"裙楼平台属于业主共有部分。{KEY_POINT}，物业公司不能自行支配。"


def essay_question() -> Question:
    question = db.session.scalar(db.select(Question).where(Question.uid == ESSAY_UID))
    if question is None:
        question = Question(
            uid=ESSAY_UID,
            kind="essay",
            topic="阅卷测试",
            points=Decimal(10),
            stem="物业公司在裙楼平台设置广告，收益应当归谁？为什么？",
            rubric=RUBRIC,
            reference_answer="广告收入扣除合理成本后属于业主共有，主要用于补充专项维修资金。",
            guidance="按要点给分。",
            checksum="marking-test",
            status="reviewed",
        )
        db.session.add(question)
        db.session.commit()
    return question


LEVELLED_UID = "marking-test-levels"
# c1 is marked by levels (正确 / 部分正确 / 不正确, seed 003), c2 by free points.
LEVELLED_RUBRIC = [
    {"id": "c1", "title": "业务知识", "points": "4", "step": "0.5",
     "key_points": ["首次回复不超过4小时", "处理不超过10天"],
     "levels": [
         {"label": "正确", "points": "4", "description": "两个时限都答对"},
         {"label": "部分正确", "points": "2", "description": "只答对一个时限"},
         {"label": "不正确", "points": "0", "description": "都答错或未答"},
     ]},
    {"id": "c2", "title": "表达", "points": "6", "step": "0.5", "key_points": ["条理清楚"]},
]  # fmt: skip


def levelled_question() -> Question:
    """A 10-point essay whose first criterion is marked by levels."""
    question = db.session.scalar(db.select(Question).where(Question.uid == LEVELLED_UID))
    if question is None:
        question = Question(
            uid=LEVELLED_UID,
            kind="essay",
            topic="阅卷测试",
            points=Decimal(10),
            stem="普通客户投诉的首次回复时限和处理时限各是多少？",
            rubric=LEVELLED_RUBRIC,
            reference_answer="首次回复不超过4小时，处理不超过10天。",
            guidance="",
            checksum="marking-test-levels",
            status="reviewed",
        )
        db.session.add(question)
        db.session.commit()
    return question


def marking_paper(
    lead: User,
    *,
    question: Question | None = None,
    double: bool = False,
    tolerance: str = "2",
    rule: str = "average",
    release: str = "auto",
    title: str = "阅卷测试卷",
) -> Paper:
    now = utcnow()
    paper = create_paper(
        title=title,
        quarter="2026Q4",
        opens_at=now - timedelta(minutes=5),
        closes_at=now + timedelta(days=1),
        time_limit_minutes=60,
        pass_mark="6",
        created_by=lead,
    )
    essay = question or essay_question()
    add_fixed_section(paper, title="一、案例分析", question_uids=[essay.uid])
    paper.double_marking = double
    paper.marking_tolerance = Decimal(tolerance)
    paper.marking_rule = rule
    paper.release_policy = release
    db.session.commit()
    publish(paper)
    return paper


def sit(paper: Paper, staff: User, answer: str = ANSWER) -> AttemptItem:
    """Start, answer the essay, submit; returns the essay item, now waiting for marks."""
    attempt = start_attempt(paper, staff)
    item = next(i for i in attempt.items if i.kind == "essay")
    save_answer(attempt, item.position, answer, 1)
    submit(attempt)
    db.session.expire_all()
    return db.session.get(AttemptItem, item.id)


def marks(total) -> dict[str, str]:
    """Per-criterion points adding up to `total`: c1 filled first (4), the rest on c2."""
    total = Decimal(str(total))
    first = min(Decimal(4), total)
    return {"c1": str(first), "c2": str(total - first)}


def fresh(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


def attempt_of(item: AttemptItem) -> Attempt:
    return fresh(Attempt, item.attempt_id)
