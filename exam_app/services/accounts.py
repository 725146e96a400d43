"""Accounts: create people, check and change passwords."""

from __future__ import annotations

import logging
import secrets

from sqlalchemy import select

from exam_app.extensions import db
from exam_app.models import Department, Role, User, UserRole
from exam_app.services import sign_in
from exam_app.services.errors import ServiceError

log = logging.getLogger("exam_app.accounts")
MIN_PASSWORD = 12  # ASVS V2.1.1; no composition rules (V2.1.9)
MAX_PASSWORD = 128  # ASVS V2.1.2: 64 allowed, over 128 refused


class AccountDisabled(ServiceError):
    """The account exists but an admin disabled it: said plainly, whatever the password."""

    def __init__(self) -> None:
        super().__init__("该账号已停用，无法登录。如有疑问，请联系系统管理员。", status=403)


def one_time_password() -> str:
    """A random password handed to a person once (12 characters); they set their own."""
    return secrets.token_urlsafe(9)


def password_problem(password: str, username: str) -> str | None:
    """What is wrong with a password a person chose, in Chinese; None when it will do."""
    if password.strip().lower() == username.strip().lower():
        return "密码不能与用户名相同。"
    if len(password) < MIN_PASSWORD:
        return f"密码至少 {MIN_PASSWORD} 位。"
    if len(password) > MAX_PASSWORD:
        return f"密码最多 {MAX_PASSWORD} 位。"
    return None


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
    position: str = "",
    must_change_password: bool = False,
) -> User:
    username, staff_no = username.strip(), staff_no.strip()
    if not username or not name.strip() or not staff_no:
        raise ServiceError("用户名、姓名和工号都不能为空。")
    if problem := password_problem(password, username):
        raise ServiceError(problem, field="password")
    if not roles:
        raise ServiceError("至少选择一个角色。", field="roles")
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise ServiceError(f"用户名「{username}」已存在。", field="username")
    if db.session.scalar(select(User.id).where(User.staff_no == staff_no)):
        raise ServiceError(f"工号「{staff_no}」已存在。", field="staff_no")
    user = User(username=username, name=name.strip(), staff_no=staff_no,
                position=position.strip(), must_change_password=must_change_password)  # fmt: skip
    user.set_password(password)
    user.set_roles(roles)
    if department:
        user.department = department_named(department.strip())
    db.session.add(user)
    db.session.commit()
    return user


def change_roles(user: User, roles: set[str] | frozenset[str]) -> None:
    """Give `user` exactly these roles (codes)."""
    # Keep the rows of roles that stay: replacing them all would insert a role before its
    # old row is deleted, which the unique (user, role) constraint refuses.
    user.role_rows = [r for r in user.role_rows if r.role in roles]
    held = {r.role for r in user.role_rows}
    user.role_rows.extend(UserRole(role=r) for r in sorted(set(roles) - held))


def authenticate(username: str, password: str) -> User | None:
    """The user whose password this is, or None. A disabled account raises AccountDisabled
    whether or not the password is right, so the message tells nothing about the password."""
    user = db.session.scalar(select(User).where(User.username == username.strip()))
    if user is not None and not user.is_active:
        raise AccountDisabled()
    if user is None or not user.check_password(password):
        return None
    return user


class WrongPassword(ServiceError):
    def __init__(self) -> None:
        super().__init__("当前密码不正确。", field="current_password")


def change_own_password(user: User, current: str, new: str, keep_token: str | None) -> int:
    """A person sets their own password, proving first they know the current one.

    Every other session of theirs is closed (one opened with the old password, by someone
    who knew it, ends now); the session `keep_token` belongs to stays. Returns how many
    sessions were closed.
    """
    if not user.check_password(current):
        raise WrongPassword()
    if problem := password_problem(new, user.username):
        raise ServiceError(problem, field="new_password")
    if new == current:
        raise ServiceError("新密码不能与当前密码相同。", field="new_password")
    user.set_password(new)
    user.must_change_password = False
    closed = sign_in.close_other_sessions(user.id, keep_token)
    db.session.commit()
    log.info("password_changed user_id=%s other_sessions_closed=%s", user.id, closed)
    return closed
