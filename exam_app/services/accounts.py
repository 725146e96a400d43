"""Accounts: create people, check passwords."""

from __future__ import annotations

from sqlalchemy import select

from exam_app.extensions import db
from exam_app.models import Department, Role, User
from exam_app.services.errors import ServiceError


def department_named(name: str) -> Department:
    dept = db.session.scalar(select(Department).where(Department.name == name))
    if dept is None:
        dept = Department(name=name)
        db.session.add(dept)
    return dept


def create_user(
    *,
    username: str,
    name: str,
    staff_no: str,
    password: str,
    roles: set[Role],
    department: str | None = None,
) -> User:
    username, staff_no = username.strip(), staff_no.strip()
    if not username or not name.strip() or not staff_no:
        raise ServiceError("用户名、姓名和工号都不能为空。")
    if len(password) < 8:
        raise ServiceError("密码至少 8 位。", field="password")
    if not roles:
        raise ServiceError("至少选择一个角色。", field="roles")
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise ServiceError(f"用户名「{username}」已存在。", field="username")
    if db.session.scalar(select(User.id).where(User.staff_no == staff_no)):
        raise ServiceError(f"工号「{staff_no}」已存在。", field="staff_no")
    user = User(username=username, name=name.strip(), staff_no=staff_no)
    user.set_password(password)
    user.set_roles(roles)
    if department:
        user.department = department_named(department.strip())
    db.session.add(user)
    db.session.commit()
    return user


def authenticate(username: str, password: str) -> User | None:
    user = db.session.scalar(select(User).where(User.username == username.strip()))
    if user is None or not user.is_active or not user.check_password(password):
        return None
    return user
