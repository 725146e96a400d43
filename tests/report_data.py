"""Graded attempts written straight to the database in bulk, for reports and exports.

The grading itself is tested elsewhere; reports only read what grading left behind, and
1,000 people sitting a paper through the web would take minutes.
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import insert, select

from exam_app.extensions import db
from exam_app.models import Attempt, AttemptItem, Department, Paper, QuarterResult, Question, User
from exam_app.models.base import utcnow
from exam_app.services.item_snapshots import stored_rows
from exam_app.services.papers import add_fixed_section, create_paper, publish

_codes = itertools.count(1)


def three_item_paper(lead: User, *, quarter: str = "2026Q4", pass_mark: str = "3") -> Paper:
    """Three single-choice items of 2 points each (the worked example's shape)."""
    now = utcnow()
    paper = create_paper(
        title="统计测试卷", quarter=quarter, opens_at=now - timedelta(days=2),
        closes_at=now + timedelta(days=1), time_limit_minutes=60, pass_mark=pass_mark,
        created_by=lead,
    )  # fmt: skip
    uids = db.session.scalars(
        select(Question.uid)
        .where(Question.kind == "single", Question.case_id.is_(None), Question.status == "reviewed")
        .order_by(Question.uid)
        .limit(3)
    ).all()
    add_fixed_section(paper, title="一、单选题", question_uids=list(uids), points="2")
    publish(paper)
    return paper


def staff(count: int, *, department: str = "客服一部", start: int = 0) -> list[int]:
    dept = db.session.scalar(select(Department).where(Department.name == department))
    if dept is None:
        dept = Department(name=department)
        db.session.add(dept)
        db.session.flush()
    rows = [
        {"username": f"bulk{start + i}", "staff_no": f"B{start + i:06d}", "name": f"员工{start + i}",
         "department_id": dept.id, "password_hash": "x", "position": "话务员",
         "is_active_account": True, "created_at": utcnow()}
        for i in range(count)
    ]  # fmt: skip
    ids = db.session.scalars(
        insert(User).returning(User.id, sort_by_parameter_order=True), rows
    ).all()
    db.session.commit()
    return list(ids)


def released(paper: Paper, user_ids: list[int], marks: list[list[int]]) -> None:
    """One released attempt per person with these marks per item (in paper order)."""
    section = paper.sections[0]
    questions = [si.question for si in section.items]
    now = utcnow()
    attempts = [
        {"paper_id": paper.id, "user_id": uid, "number": 1,
         "candidate_code": f"R{next(_codes):08d}", "status": "released", "seed": 1,
         "started_at": now, "deadline_at": now, "submitted_at": now, "graded_at": now,
         "released_at": now, "total": Decimal(sum(row)), "max_total": Decimal(6),
         "passed": sum(row) >= paper.pass_mark, "auto_submitted": False, "tab_switches": 0}
        for uid, row in zip(user_ids, marks, strict=True)
    ]  # fmt: skip
    ids = db.session.scalars(
        insert(Attempt).returning(Attempt.id, sort_by_parameter_order=True), attempts
    ).all()
    items, results = [], []
    for attempt_id, uid, row in zip(ids, user_ids, marks, strict=True):
        for position, (question, mark) in enumerate(zip(questions, row, strict=True), 1):
            key = question.key["answer"]
            wrong = next(o["label"] for o in question.options if o["label"] != key)
            items.append(
                {"attempt_id": attempt_id, "position": position, "section_position": 1,
                 "section_title": section.title, "question_id": question.id,
                 "kind": "single", "points": Decimal(2), "snapshot": question.snapshot(),
                 "response": key if mark == 2 else wrong, "score": Decimal(mark),
                 "save_seq": 0, "needs_review": False, "flagged": False, "counted": True}
            )  # fmt: skip
        results.append(
            {"user_id": uid, "quarter": paper.quarter, "attempt_id": attempt_id,
             "paper_title": paper.title, "total": Decimal(sum(row)), "max_total": Decimal(6),
             "passed": sum(row) >= paper.pass_mark, "recorded_at": now,
             "sections": [{"title": section.title, "score": str(sum(row)), "max": "6"}]}
        )  # fmt: skip
    db.session.execute(insert(AttemptItem), stored_rows(items))
    db.session.execute(insert(QuarterResult), results)
    db.session.commit()


WORKED_MARKS = [[2, 2, 1], [2, 1, 2], [1, 2, 0], [2, 0, 1], [0, 1, 0], [1, 0, 0]]
# grading-rules.md, "Item statistics": F, SD, D, E per item.
WORKED_STATS = [
    ("66.67", "40.82", "53.94", "57.14"),
    ("50.00", "44.72", "0.00", "0.00"),
    ("33.33", "40.82", "53.94", "57.14"),
]
