"""Staff roster import: create new people and apply changes, all or nothing.

Rule for new people: the username is the 工号 and a one-time password is made, shown once
in the import report and never stored in plain text; they set their own at first sign-in.

直属上司工号 (optional column): someone already in the system or a row of the same file;
never the person themself, and never a chain that leads back to them (after the whole file
is applied, so two rows naming each other are a loop). A blank cell leaves the superior as
it is, like the other optional columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import aliased

from exam_app.extensions import db
from exam_app.models import Department, Role, User
from exam_app.models.people import ROLE_LABELS
from exam_app.reporting.roster_sheet import RosterRow, read_roster
from exam_app.services.accounts import change_roles, one_time_password
from exam_app.services.errors import ServiceError

# Spellings accepted in the 角色 column: the Chinese labels and the role codes.
ROLE_NAMES = {label: str(role) for role, label in ROLE_LABELS.items()} | {
    str(role): str(role) for role in Role
}
MAX_UPLOAD = 5 * 1024 * 1024


@dataclass
class RosterChange:
    line: int
    staff_no: str
    name: str
    created: bool
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # column, old, new
    password: str | None = None  # new people only, shown once


@dataclass
class RosterReport:
    changes: list[RosterChange]
    unchanged: int

    @property
    def created(self) -> list[RosterChange]:
        return [c for c in self.changes if c.created]

    @property
    def updated(self) -> list[RosterChange]:
        return [c for c in self.changes if not c.created]


class RosterErrors(ServiceError):
    def __init__(self, errors: list[str]):
        super().__init__(f"花名册有 {len(errors)} 处错误，未导入任何内容。", field="file")
        self.errors = errors


def _roles_text(roles: set[str] | frozenset[str]) -> str:
    return "、".join(ROLE_LABELS[role] for role in Role if str(role) in roles)  # menu order


def _plan(rows: Sequence[RosterRow], admin: User) -> tuple[RosterReport, dict[str, User]]:
    staff_nos = [r.staff_no for r in rows]
    existing = {
        u.staff_no: u for u in db.session.scalars(select(User).where(User.staff_no.in_(staff_nos)))
    }
    new_nos = [n for n in staff_nos if n not in existing]
    # A new person's username is the 工号: it must not belong to someone else already.
    taken = set(db.session.scalars(select(User.username).where(User.username.in_(new_nos))))
    errors, changes, unchanged = [], [], 0
    superiors, superior_errors = _superiors(rows)
    errors.extend(superior_errors)
    for row in rows:
        user = existing.get(row.staff_no)
        if user is None:
            if row.staff_no in taken:
                errors.append(
                    f"第 {row.line} 行「工号」：用户名「{row.staff_no}」已被其他账号使用，无法新建。"
                )
                continue
            roles = row.roles or frozenset({str(Role.STAFF)})
            fields = [("姓名", "", row.name), ("部门", "", row.department),
                      ("岗位", "", row.position), ("角色", "", _roles_text(roles)),
                      ("直属上司", "", superiors.get(row.supervisor_no, ""))]  # fmt: skip
            changes.append(RosterChange(row.line, row.staff_no, row.name, True, fields))
            continue
        fields = []
        dept = user.department.name if user.department else ""
        for column, old, new in (
            ("姓名", user.name, row.name),
            ("部门", dept, row.department or dept),  # blank cells leave the value as it is
            ("岗位", user.position, row.position or user.position),
        ):
            if old != new:
                fields.append((column, old, new))
        current = {str(r) for r in user.roles}
        if row.roles is not None and set(row.roles) != current:
            if user.id == admin.id and str(Role.ADMIN) not in row.roles:
                errors.append(f"第 {row.line} 行「角色」：不能去掉您自己的系统管理员角色。")
                continue
            fields.append(("角色", _roles_text(current), _roles_text(row.roles)))
        old_superior = user.supervisor.staff_no if user.supervisor else ""
        if row.supervisor_no and row.supervisor_no != old_superior:
            fields.append(("直属上司", superiors.get(old_superior, old_superior),
                           superiors[row.supervisor_no]))  # fmt: skip
        if fields:
            changes.append(RosterChange(row.line, row.staff_no, row.name, False, fields))
        else:
            unchanged += 1
    if errors:
        raise RosterErrors(errors)
    return RosterReport(changes, unchanged), existing


def _superiors(rows: Sequence[RosterRow]) -> tuple[dict[str, str], list[str]]:
    """Check the 直属上司工号 column against the system and the file as it will be applied.

    Returns each known 工号 as "姓名（工号）" for the report, and the errors by row.
    """
    boss = aliased(User)
    chain = {  # 工号 -> the superior's 工号, as the system has it now
        no: sup or ""
        for no, sup in db.session.execute(
            select(User.staff_no, boss.staff_no).outerjoin(boss, User.supervisor_id == boss.id)
        )
    }
    labels = {no: f"{name}（{no}）" for no, name in db.session.execute(
        select(User.staff_no, User.name).where(
            User.staff_no.in_({r.supervisor_no for r in rows if r.supervisor_no})))}  # fmt: skip
    for row in rows:
        labels[row.staff_no] = f"{row.name}（{row.staff_no}）"
        if row.supervisor_no:
            chain[row.staff_no] = row.supervisor_no  # the file wins; blank keeps the system's
    errors: list[str] = []
    for row in rows:
        no = row.supervisor_no
        if not no:
            continue
        where = f"第 {row.line} 行「直属上司工号」"
        if no == row.staff_no:
            errors.append(f"{where}：直属上司不能是本人（{no}）。")
        elif no not in labels:
            errors.append(f"{where}：系统和本表中都没有工号为「{no}」的人员。")
        else:
            path, step = [row.staff_no], no
            while step and step not in path:
                path.append(step)
                step = chain.get(step, "")
            if step == row.staff_no:
                errors.append(
                    f"{where}：{' → '.join(path + [step])} 形成循环，直属上司不能是本人的下属。"
                )
    return labels, errors


def preview_roster(data: bytes, admin: User) -> RosterReport:
    return _plan(_rows(data), admin)[0]


def import_roster(data: bytes, admin: User) -> RosterReport:
    """Apply the whole roster in one transaction; any bad row and nothing is applied."""
    rows = _rows(data)
    report, existing = _plan(rows, admin)
    by_no = {r.staff_no: r for r in rows}
    departments = {d.name: d for d in db.session.scalars(select(Department))}

    def department(name: str) -> Department:
        if name not in departments:
            departments[name] = Department(name=name)
            db.session.add(departments[name])
        return departments[name]

    try:
        for change in report.changes:
            row = by_no[change.staff_no]
            user = existing.get(change.staff_no)
            if user is None:
                user = User(username=row.staff_no, staff_no=row.staff_no, name=row.name,
                            position=row.position)  # fmt: skip
                change.password = one_time_password()
                user.set_password(change.password)
                user.must_change_password = True  # they set their own at first sign-in
                user.set_roles({Role(r) for r in row.roles or {Role.STAFF}})
                db.session.add(user)
            else:
                user.name = row.name
                user.position = row.position or user.position
                if row.roles is not None:
                    change_roles(user, row.roles)
            if row.department:
                user.department = department(row.department)
        db.session.flush()  # new people get their ids: they may be someone's superior
        named = {r.supervisor_no for r in rows if r.supervisor_no}
        people = {u.staff_no: u for u in db.session.scalars(
            select(User).where(User.staff_no.in_(named | {r.staff_no for r in rows})))}  # fmt: skip
        for row in rows:
            if row.supervisor_no:
                people[row.staff_no].supervisor_id = people[row.supervisor_no].id
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report


def _rows(data: bytes) -> list[RosterRow]:
    if len(data) > MAX_UPLOAD:
        raise ServiceError("文件超过 5 MB，请分批导入。", field="file")
    rows, errors = read_roster(data, ROLE_NAMES)
    if errors:
        raise RosterErrors(errors)
    if not rows:
        raise ServiceError("花名册中没有任何人员。", field="file")
    return rows
