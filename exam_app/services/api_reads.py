"""What the JSON API returns: English keys, Chinese values, scores as numbers."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from exam_app.extensions import db
from exam_app.models import Department, Paper, QuarterResult, User
from exam_app.services.quality.quarters import (
    QuarterScore,
    person_scores,
    quarter_scores,
    staff_in_quarter,
)


def _number(value: object) -> float | None:
    return None if value is None else float(Decimal(str(value)))


def _sections(result: QuarterResult) -> list[dict]:
    return [
        {"title": s["title"], "score": _number(s["score"]), "max": _number(s["max"])}
        for s in result.sections
    ]


def _result(result: QuarterResult) -> dict:
    return {
        "quarter": result.quarter,
        "paper": result.paper_title,
        "total": _number(result.total),
        "max_total": _number(result.max_total),
        "passed": result.passed,
        "sections": _sections(result),
        "recorded_at": result.recorded_at.isoformat() + "Z",
    }


def quarter_results(quarter: str) -> list[dict]:
    rows = db.session.execute(
        select(QuarterResult, User.staff_no, User.name, User.position, Department.name)
        .join(User, QuarterResult.user_id == User.id)
        .outerjoin(Department, User.department_id == Department.id)
        .where(QuarterResult.quarter == quarter)
        .order_by(User.staff_no, QuarterResult.recorded_at)
    ).all()
    return [
        {"staff_no": no, "name": name, "department": dept, "position": position} | _result(result)
        for result, no, name, position, dept in rows
    ]


def staff_file(staff_no: str) -> dict | None:
    user = db.session.scalar(select(User).where(User.staff_no == staff_no))
    if user is None:
        return None
    results = db.session.scalars(
        select(QuarterResult)
        .where(QuarterResult.user_id == user.id)
        .order_by(QuarterResult.quarter.desc(), QuarterResult.recorded_at.desc())
    )
    return {
        "staff_no": user.staff_no,
        "name": user.name,
        "department": user.department.name if user.department else None,
        "position": user.position,
        "results": [_result(r) for r in results],
        "combined": [_combined(s) for s in person_scores(user)],
    }


def _combined(row: QuarterScore) -> dict:
    """The quarter's combined score and its parts (each on a 100-point scale)."""
    s = row.score
    assert s is not None  # person_scores lists quarters with weights only
    return {
        "quarter": row.quarter,
        "exam": _number(s.exam),
        "quality": _number(s.quality),
        "rating": _number(s.rating),
        "weights": {
            "exam": _number(s.weights.exam),
            "quality": _number(s.weights.quality),
            "rating": _number(s.weights.rating),
        },  # fmt: skip
        "total": _number(s.total),
        "missing": list(s.missing),
    }


def quarter_combined(quarter: str) -> list[dict]:
    """Every staff member's combined score of the quarter (empty until weights are set)."""
    rows = quarter_scores(quarter, staff_in_quarter())
    return [
        {"staff_no": r.person.staff_no, "name": r.person.name,
         "department": r.person.department.name if r.person.department else None,
         "position": r.person.position} | _combined(r)
        for r in rows
        if r.score is not None
    ]  # fmt: skip


def papers() -> list[dict]:
    rows = db.session.scalars(
        select(Paper).where(Paper.kind == "exam", Paper.status != "draft")
        .order_by(Paper.quarter.desc(), Paper.title)
    )  # fmt: skip
    return [
        {
            "id": p.id,
            "title": p.title,
            "quarter": p.quarter,
            "status": p.status,
            "full_marks": _number(p.full_marks if p.full_marks is not None else p.total_points),
            "pass_mark": _number(p.pass_mark),
        }
        for p in rows
    ]
