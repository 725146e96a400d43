"""Leads edit the bank in the app: create and change items and cases, review them.

Every saved change is a new version (bank_history); an edited item goes back to 草稿
unless the lead marks it reviewed while saving, since only reviewed items reach papers.
Saving is refused when someone else saved the item since the form was opened.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from exam_app.content.build import Draft, Problem, build, case_problems, draft_from_spec
from exam_app.content.model import CaseSpec
from exam_app.extensions import db
from exam_app.models import Case, Question, QuestionVersion, User
from exam_app.models.base import utcnow
from exam_app.services.bank_history import spec_of, write_case, write_question
from exam_app.services.errors import ServiceError


class BankInvalid(ServiceError):
    """Field problems of a form; `problems` carry the field each one is about."""

    def __init__(self, problems: list[Problem]):
        super().__init__("；".join(f"{p.field}：{p.message}" for p in problems))
        self.problems = problems


def _stale(row, base_version: int) -> None:
    if row.version != base_version:
        raise ServiceError(
            f"“{row.uid}”已被他人修改（现为第 {row.version} 版），请刷新页面后重新编辑。",
            status=409,
        )


def save_question(
    draft: Draft,
    *,
    user: User,
    base_version: int | None = None,
    reviewed: bool = False,
    now: datetime | None = None,
) -> tuple[Question, bool]:
    """Create (base_version None) or edit an item. Returns (item, whether content changed)."""
    now = now or utcnow()
    existing = db.session.scalar(select(Question).where(Question.uid == draft.id))
    if base_version is None and existing is not None:
        raise BankInvalid([Problem("编号", f"编号“{draft.id}”已被使用")])
    if base_version is not None:
        if existing is None:
            raise ServiceError("题目不存在。", status=404)
        _stale(existing, base_version)
    case = None
    if draft.case_id:
        case = db.session.scalar(select(Case).where(Case.uid == draft.case_id))
        if case is None:
            raise BankInvalid([Problem("案例编号", f"案例“{draft.case_id}”不存在")])
    spec, problems = build(draft)
    errors = [p for p in problems if not p.warning]
    if reviewed and not errors:
        errors = [Problem(p.field, p.message) for p in problems]  # incomplete: cannot review
    if errors or spec is None:
        raise BankInvalid(errors)
    changed = existing is None or existing.checksum != spec.checksum()
    status = "reviewed" if reviewed else ("draft" if changed else None)
    question = write_question(
        existing,
        spec,
        action="create" if existing is None else "edit",
        user=user,
        case=case,
        status=status,
        now=now,
    )
    if existing is None:
        question.origin = "在线新建"
    if reviewed and not changed:
        _review_current(question, user, now)
    db.session.commit()
    return question, changed


def mark_reviewed(question: Question, *, user: User, now: datetime | None = None) -> None:
    _, problems = build(draft_from_spec(spec_of(question)))
    if problems:
        raise ServiceError("；".join(p.message for p in problems))
    question.status = "reviewed"
    _review_current(question, user, now or utcnow())
    db.session.commit()


def return_to_draft(question: Question) -> None:
    """Take an item out of papers and draws until it is reviewed again."""
    question.status = "draft"
    row = _current_version(question)
    if row is not None:
        row.reviewed_by_id = row.reviewed_at = None
    db.session.commit()


def _current_version(question: Question) -> QuestionVersion | None:
    return db.session.scalar(
        select(QuestionVersion).where(
            QuestionVersion.question_id == question.id,
            QuestionVersion.version == question.version,
        )
    )


def _review_current(question: Question, user: User, now: datetime) -> None:
    row = _current_version(question)
    if row is None:  # loaded before versions were kept: record the reviewed state
        spec = spec_of(question)
        row = QuestionVersion(
            question_id=question.id,
            version=question.version,
            content=spec.canonical(),
            checksum=question.checksum,
            action="file",
            note=question.origin[:300],
            created_at=question.updated_at,
        )
        db.session.add(row)
    row.reviewed_by_id = user.id
    row.reviewed_at = now


def save_case(
    *,
    uid: str,
    title: str,
    topic: str,
    source: str,
    scenario: str,
    basis: str,
    user: User,
    base_version: int | None = None,
    now: datetime | None = None,
) -> tuple[Case, bool]:
    existing = db.session.scalar(select(Case).where(Case.uid == uid))
    problems = case_problems(uid, title, topic, source, scenario, basis)
    if base_version is None and existing is not None:
        problems.append(Problem("案例编号", f"案例编号“{uid}”已被使用"))
    if problems:
        raise BankInvalid(problems)
    if base_version is not None:
        if existing is None:
            raise ServiceError("案例不存在。", status=404)
        _stale(existing, base_version)
    spec = CaseSpec(
        uid, title.strip(), topic.strip(), scenario.strip("\n"), basis.strip("\n"),
        source.strip(), (), "", 0,
    )  # fmt: skip
    before = existing.version if existing else 0
    case = write_case(
        existing, spec, action="create" if existing is None else "edit", user=user, now=now
    )
    if existing is None:
        case.origin = "在线新建"
    db.session.commit()
    return case, case.version != before
