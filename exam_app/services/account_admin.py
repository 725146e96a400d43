"""What an administrator does to other people's accounts: edit, reset a password, disable
and re-enable. Everything the person did (attempts, marks, appeals, staff file) stays.

There must always be an active administrator: an admin cannot disable themself or take
away their own admin role, and no change leaves the centre without one.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import func, select, update

from exam_app.extensions import db
from exam_app.models import ApiToken, Role, User, UserRole
from exam_app.services import sign_in
from exam_app.services.accounts import change_roles, department_named, one_time_password
from exam_app.services.errors import NotAllowed, ServiceError

log = logging.getLogger("exam_app.accounts")


def person(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise ServiceError("用户不存在。", status=404)
    return user


def _other_active_admins(user_id: int) -> int:
    return db.session.scalar(
        select(func.count(User.id))
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == str(Role.ADMIN), User.is_active_account.is_(True),
               User.id != user_id)
    )  # fmt: skip


def update_person(
    admin: User,
    user: User,
    *,
    name: str,
    staff_no: str,
    department: str,
    position: str,
    roles: set[Role],
    supervisor_staff_no: str | None = None,
) -> User:
    name, staff_no, department = name.strip(), staff_no.strip(), department.strip()
    if not name:
        raise ServiceError("姓名不能为空。", field="name")
    if not staff_no:
        raise ServiceError("工号不能为空。", field="staff_no")
    if not roles:
        raise ServiceError("至少选择一个角色。", field="roles")
    taken = db.session.scalar(select(User.id).where(User.staff_no == staff_no, User.id != user.id))
    if taken:
        raise ServiceError(f"工号「{staff_no}」已被其他人使用。", field="staff_no")
    losing_admin = Role.ADMIN in user.roles and Role.ADMIN not in roles
    if losing_admin and user.id == admin.id:
        raise ServiceError("不能去掉您自己的系统管理员角色。", field="roles")
    if losing_admin and user.is_active and not _other_active_admins(user.id):
        raise ServiceError("这是唯一在用的系统管理员，不能去掉其管理员角色。", field="roles")
    if supervisor_staff_no is not None:
        user.supervisor_id = _superior(user, supervisor_staff_no.strip())
    user.name, user.staff_no, user.position = name, staff_no, position.strip()
    user.department = department_named(department) if department else None
    change_roles(user, {str(r) for r in roles})
    db.session.commit()
    log.info("account_edited user_id=%s by=%s", user.id, admin.id)
    return user


def _superior(user: User, staff_no: str) -> int | None:
    """The direct superior by 工号: someone else, and not a report of this person in turn."""
    if not staff_no:
        return None
    superior = db.session.scalar(select(User).where(User.staff_no == staff_no))
    if superior is None:
        raise ServiceError(f"没有工号为「{staff_no}」的人员。", field="supervisor")
    seen, step = {user.id}, superior
    while step is not None:  # a chain back to the person would make them their own superior
        if step.id in seen:
            raise ServiceError("直属上司不能是本人或其下属。", field="supervisor")
        seen.add(step.id)
        step = step.supervisor
    return superior.id


def reset_password(admin: User, user: User) -> str:
    """A new one-time password for `user` (returned to show once, stored only as a hash).
    The person must set their own at next sign-in; their open sessions end now."""
    if user.id == admin.id:
        raise NotAllowed("您自己的密码请在「修改密码」中修改。")
    plain = one_time_password()
    user.set_password(plain)
    user.must_change_password = True
    sign_in.close_all_sessions(user.id)
    db.session.commit()
    log.info("password_reset user_id=%s by=%s", user.id, admin.id)
    return plain


def disable_account(admin: User, user: User, now: datetime) -> int:
    """Stop the account at once: it cannot sign in, every open session ends (their next
    request finds none) and every API token they made is revoked. Returns how many tokens
    were revoked."""
    if user.id == admin.id:
        raise NotAllowed("不能停用您自己的账号。")
    if Role.ADMIN in user.roles and not _other_active_admins(user.id):
        raise NotAllowed("这是唯一在用的系统管理员，不能停用。")
    user.is_active_account = False
    sign_in.close_all_sessions(user.id)
    revoked = db.session.execute(
        update(ApiToken)
        .where(ApiToken.created_by_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
    ).rowcount
    db.session.commit()
    log.info("account_disabled user_id=%s by=%s tokens_revoked=%s", user.id, admin.id, revoked)
    return revoked


def enable_account(admin: User, user: User) -> None:
    """Let the person sign in again with their password (revoked tokens stay revoked)."""
    user.is_active_account = True
    db.session.commit()
    log.info("account_enabled user_id=%s by=%s", user.id, admin.id)
