"""History of the bank: every saved version of an item and case, and every import file.

A version row holds the whole content of that version (QuestionSpec.canonical()), so the
history page can show any two versions side by side; attempts keep their own snapshot.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exam_app.extensions import db
from exam_app.models.base import utcnow

ACTIONS = ("file", "import", "create", "edit")
ACTION_LABELS = {"file": "内容文件", "import": "导入", "create": "在线新建", "edit": "在线编辑"}


class QuestionVersion(db.Model):
    __tablename__ = "question_versions"
    __table_args__ = (
        UniqueConstraint("question_id", "version"),
        CheckConstraint("action in ('file', 'import', 'create', 'edit')", name="action"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    version: Mapped[int]
    content: Mapped[dict[str, Any]] = mapped_column(JSON)  # QuestionSpec.canonical()
    checksum: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(String(300), default="")  # file:line, import file
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Review is of one version: editing it again makes a new, unreviewed version.
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None]

    created_by = relationship("User", foreign_keys=[created_by_id])
    reviewed_by = relationship("User", foreign_keys=[reviewed_by_id])

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)


class CaseVersion(db.Model):
    __tablename__ = "case_versions"
    __table_args__ = (
        UniqueConstraint("case_id", "version"),
        CheckConstraint("action in ('file', 'import', 'create', 'edit')", name="action"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    version: Mapped[int]
    content: Mapped[dict[str, Any]] = mapped_column(JSON)  # title, topic, scenario, basis, source
    checksum: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(String(300), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    created_by = relationship("User", foreign_keys=[created_by_id])

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)


class BankImport(db.Model):
    """An uploaded file between its preview and its import (and a record of it after).

    Kept in the database, not on one server's disk, so preview and import may be served
    by different workers.
    """

    __tablename__ = "bank_imports"
    __table_args__ = (
        CheckConstraint("format in ('excel', 'gift', 'aiken', 'word', 'text')", name="format"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(200))
    format: Mapped[str] = mapped_column(String(10))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    default_topic: Mapped[str] = mapped_column(String(100), default="")
    # For formats that carry no difficulty (Word, text, GIFT, Aiken); None before it existed.
    default_difficulty: Mapped[int | None]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    applied_at: Mapped[datetime | None]
    summary: Mapped[str] = mapped_column(String(300), default="")

    created_by = relationship("User")
