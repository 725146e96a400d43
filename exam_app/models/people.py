"""People: accounts, their roles and departments."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from exam_app.extensions import db
from exam_app.models.base import utcnow


class Role(StrEnum):
    STAFF = "staff"
    REVIEWER = "reviewer"
    LEAD = "lead"
    ADMIN = "admin"
    # HR reads results and exports them for pay and promotion; it builds no papers.
    HR = "hr"
    # A department's supervisor (主管): records service-quality faults and bonuses and rates
    # their own people; sees no papers, keys or answers.
    SUPERVISOR = "supervisor"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.STAFF: "客服人员",
    Role.REVIEWER: "阅卷人",
    Role.LEAD: "培训负责人",
    Role.ADMIN: "系统管理员",
    Role.HR: "人力资源",
    Role.SUPERVISOR: "主管",
}


class Department(db.Model):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)

    users: Mapped[list[User]] = relationship(back_populates="department")


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    staff_no: Mapped[str] = mapped_column(String(30), unique=True)  # 工号
    name: Mapped[str] = mapped_column(String(50))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    position: Mapped[str] = mapped_column(String(50), default="", server_default="")  # 岗位
    # The direct superior (直属上司): shares a fault's fine 70/30 when found liable, and
    # enters the person's quarterly 定性 rating.
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    is_active_account: Mapped[bool] = mapped_column(default=True)
    # Set while the account still has a one-time password (made by the roster import or an
    # admin): every page sends the person to change it first (web/password_change.py).
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    department: Mapped[Department | None] = relationship(back_populates="users")
    supervisor: Mapped[User | None] = relationship(remote_side=[id])
    role_rows: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.is_active_account

    @property
    def roles(self) -> set[Role]:
        return {Role(r.role) for r in self.role_rows}

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    def set_roles(self, roles: set[Role]) -> None:
        self.role_rows = [UserRole(role=str(r)) for r in sorted(roles)]

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


class UserRole(db.Model):
    """A person may hold several roles: a reviewer also sits the quarterly exam."""

    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))
