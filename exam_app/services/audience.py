"""Who must sit a paper: whole departments and named staff. Nobody listed: all staff."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, and_, exists, or_, select

from exam_app.extensions import db
from exam_app.models import Department, Paper, PaperAudience, Role, User, UserRole
from exam_app.services.errors import ServiceError
from exam_app.services.paper_settings import editable


def set_audience(paper: Paper, department_ids: list[int], staff_numbers: list[str]) -> None:
    editable(paper)
    departments = (
        db.session.scalars(select(Department).where(Department.id.in_(department_ids))).all()
        if department_ids
        else []
    )
    numbers = [n.strip() for n in staff_numbers if n.strip()]
    people = (
        db.session.scalars(select(User).where(User.staff_no.in_(numbers))).all() if numbers else []
    )
    unknown = sorted(set(numbers) - {p.staff_no for p in people})
    if unknown:
        raise ServiceError(f"没有这些工号的人员：{'、'.join(unknown)}", field="staff_numbers")
    paper.audience = [PaperAudience(department_id=d.id) for d in departments] + [
        PaperAudience(user_id=p.id) for p in people
    ]
    db.session.commit()


def audience_allows(paper_id, user_id, department_id) -> ColumnElement[bool]:
    """`may_sit`'s audience rule as a condition of a statement: nobody listed, or this person
    or their department listed (the role is checked beside it)."""
    listed = exists().where(PaperAudience.paper_id == paper_id)
    mine = exists().where(
        PaperAudience.paper_id == paper_id,
        or_(PaperAudience.user_id == user_id,
            and_(PaperAudience.department_id.is_not(None),
                 PaperAudience.department_id == department_id)),
    )  # fmt: skip
    return or_(~listed, mine)


def describe(paper: Paper) -> str:
    if not paper.audience:
        return "全体客服人员"
    names = [a.department.name for a in paper.audience if a.department]
    names += [f"{a.user.name}（{a.user.staff_no}）" for a in paper.audience if a.user]
    return "、".join(names)


def may_sit(paper: Paper, user: User) -> bool:
    if not user.has_role(Role.STAFF):
        return False
    if not paper.audience:
        return True
    return any(
        a.user_id == user.id or (a.department_id and a.department_id == user.department_id)
        for a in paper.audience
    )


def sitters_query(paper: Paper) -> Select:
    """Everyone who must sit the paper, by staff number: one query however many."""
    query = (
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.STAFF.value, User.is_active_account.is_(True))
    )
    if paper.audience:
        departments = [a.department_id for a in paper.audience if a.department_id]
        users = [a.user_id for a in paper.audience if a.user_id]
        query = query.where(or_(User.department_id.in_(departments), User.id.in_(users)))
    return query.order_by(User.staff_no)
