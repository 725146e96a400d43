"""Import a file (Excel, GIFT, Aiken, Word or pasted text) into the bank, all or nothing; export the bank.

An import is planned first (what is new, what changes, what is refused) so the lead sees
it before anything is written; applying re-plans against the bank as it is then. Items
with an id already in the bank become a new version of it. New and changed items are
草稿 unless the lead imports them as reviewed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from exam_app.content import CaseSpec, ContentError, QuestionSpec
from exam_app.content.excel import write_workbook
from exam_app.content.gift_write import write_gift
from exam_app.content.imported import ImportedBank
from exam_app.content.importers import IMPORTERS, format_names, read_import
from exam_app.content.importers import guess_format as guess_format
from exam_app.content.stored import case_checksum, case_record
from exam_app.extensions import db
from exam_app.models import BankImport, Case, Question, User
from exam_app.models.base import utcnow
from exam_app.services.bank_history import case_spec_of, spec_of, write_case, write_question
from exam_app.services.errors import ServiceError
from exam_app.services.uploads import check_upload

MAX_UPLOAD = 5 * 1024 * 1024
STALE_AFTER = timedelta(days=1)
PASTED_NAME = "粘贴的文本"


def _check_format(fmt: str) -> None:
    if fmt not in IMPORTERS:
        raise ServiceError(f"请选择文件格式：{format_names()}。", field="format")


def read_file(
    data: bytes, filename: str, fmt: str, default_topic: str = "", difficulty: int = 3
) -> ImportedBank:
    _check_format(fmt)
    if len(data) > MAX_UPLOAD:
        result = ImportedBank()
        result.errors.append(ContentError(filename, 0, "文件过大：最多 5 MB"))
        return result
    return read_import(data, filename, fmt, default_topic, difficulty)


@dataclass
class ImportPlan:
    bank: ImportedBank
    new: list[QuestionSpec] = field(default_factory=list)
    changed: list[QuestionSpec] = field(default_factory=list)
    unchanged: list[QuestionSpec] = field(default_factory=list)
    new_cases: list[CaseSpec] = field(default_factory=list)
    changed_cases: list[CaseSpec] = field(default_factory=list)
    errors: list[ContentError] = field(default_factory=list)  # the file's and the bank's

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        text = (
            f"新增 {len(self.new)} 题，更新 {len(self.changed)} 题，未变 {len(self.unchanged)} 题"
        )
        if self.new_cases or self.changed_cases:
            text += f"；案例新增 {len(self.new_cases)} 个，更新 {len(self.changed_cases)} 个"
        if self.bank.skipped:
            text += f"；跳过不支持的题 {len(self.bank.skipped)} 道"
        return text + "。"


def plan_import(bank: ImportedBank) -> ImportPlan:
    plan = ImportPlan(bank, errors=list(bank.errors))
    uids = [q.id for q in bank.questions]
    rows = {
        q.uid: q
        for q in db.session.scalars(
            select(Question).where(Question.uid.in_(uids)).options(selectinload(Question.case))
        )
    } if uids else {}  # fmt: skip
    case_ids = {c.id for c in bank.cases} | {q.case_id for q in bank.questions if q.case_id}
    cases = {
        c.uid: c for c in db.session.scalars(select(Case).where(Case.uid.in_(case_ids)))
    } if case_ids else {}  # fmt: skip
    for case in bank.cases:
        row = cases.get(case.id)
        if row is None:
            plan.new_cases.append(case)
        elif row.checksum != case_checksum(case.id, case_record(case)):
            plan.changed_cases.append(case)
    defined = {c.id for c in bank.cases}
    for spec in bank.questions:
        if spec.case_id and spec.case_id not in defined and spec.case_id not in cases:
            plan.errors.append(
                ContentError(spec.file, spec.line, f"「案例编号」案例“{spec.case_id}”不存在")
            )
        row = rows.get(spec.id)
        if row is None:
            plan.new.append(spec)
        elif row.checksum != spec.checksum():
            plan.changed.append(spec)
        else:
            plan.unchanged.append(spec)
    return plan


def apply_plan(
    plan: ImportPlan,
    *,
    user: User | None,
    reviewed: bool = False,
    note: str = "",
    now: datetime | None = None,
) -> None:
    """Write the plan in one transaction; refuse if it holds any error."""
    if not plan.ok:
        raise ServiceError(f"文件有 {len(plan.errors)} 处错误，未导入任何内容。")
    now = now or utcnow()
    try:
        for spec in plan.new_cases + plan.changed_cases:
            row = db.session.scalar(select(Case).where(Case.uid == spec.id))
            case = write_case(row, spec, action="import", note=note, user=user, now=now)
            if row is None:
                case.origin = note[:300]
        db.session.flush()
        status = "reviewed" if reviewed else "draft"
        for spec in plan.new + plan.changed:
            row = db.session.scalar(select(Question).where(Question.uid == spec.id))
            case = (
                db.session.scalar(select(Case).where(Case.uid == spec.case_id))
                if spec.case_id
                else None
            )
            question = write_question(
                row, spec, action="import", note=note, user=user, case=case, status=status, now=now
            )
            if row is None:
                question.origin = note[:300]
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


def import_file(
    data: bytes, filename: str, fmt: str, *, user: User | None, reviewed: bool = False,
    default_topic: str = "", difficulty: int = 3,
) -> ImportPlan:  # fmt: skip
    """Read, plan and apply at once (the CLI). Raises ServiceError if anything is wrong."""
    plan = plan_import(read_file(data, filename, fmt, default_topic, difficulty))
    if plan.ok:
        apply_plan(plan, user=user, reviewed=reviewed, note=f"导入：{filename}")
    return plan


def stage_import(
    data: bytes, filename: str, fmt: str, default_topic: str, *, user: User, difficulty: int = 3
) -> BankImport:
    """Keep an upload (or pasted text) for its preview; previews older than a day that were
    never applied go."""
    _check_format(fmt)
    if IMPORTERS[fmt].needs_topic and not default_topic.strip():
        raise ServiceError("这种格式的题目不含知识点：请填写知识点。", field="topic")
    if difficulty not in (1, 2, 3, 4, 5):
        raise ServiceError("难度应为 1 到 5。", field="difficulty")
    check_upload(data, filename, fmt, MAX_UPLOAD)  # by name and content, before it is kept
    db.session.execute(
        delete(BankImport).where(
            BankImport.applied_at.is_(None), BankImport.created_at < utcnow() - STALE_AFTER
        )
    )
    staged = BankImport(
        filename=filename[:200] or "upload",
        format=fmt,
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        default_topic=default_topic.strip()[:100],
        default_difficulty=difficulty,
        created_by_id=user.id,
    )
    db.session.add(staged)
    db.session.commit()
    return staged


def preview_staged(staged: BankImport) -> ImportPlan:
    return plan_import(
        read_file(
            staged.data,
            staged.filename,
            staged.format,
            staged.default_topic,
            staged.default_difficulty or 3,
        )
    )


def apply_staged(
    staged: BankImport, *, user: User, reviewed: bool, now: datetime | None = None
) -> ImportPlan:
    if staged.applied_at is not None:
        raise ServiceError("这个文件已经导入过了。", status=409)
    plan = preview_staged(staged)
    now = now or utcnow()
    note = f"导入：{staged.filename}（导入记录 #{staged.id}）"
    apply_plan(plan, user=user, reviewed=reviewed, note=note, now=now)
    staged.applied_at = now
    staged.summary = plan.summary()[:300]
    db.session.commit()
    return plan


def export_specs(
    *, topic: str = "", kind: str = "", status: str = ""
) -> tuple[list[QuestionSpec], list[CaseSpec]]:
    query = select(Question).options(selectinload(Question.case)).order_by(Question.uid)
    if topic:
        query = query.where(Question.topic == topic)
    if kind:
        query = query.where(Question.kind == kind)
    if status:
        query = query.where(Question.status == status)
    questions = list(db.session.scalars(query))
    specs = [spec_of(q) for q in questions]
    cases = {q.case.uid: q.case for q in questions if q.case is not None}
    return specs, [case_spec_of(c) for _, c in sorted(cases.items())]


def export_bank(fmt: str, **filters: str) -> tuple[bytes, int]:
    """(file content, number of items) as Excel or GIFT."""
    specs, cases = export_specs(**filters)
    if fmt == "excel":
        return write_workbook(specs, cases), len(specs)
    if fmt == "gift":
        return write_gift(specs, cases).encode("utf-8"), len(specs)
    raise ServiceError("导出格式应为 Excel 或 GIFT。")
