"""Write bank items and their versions: the one place that bumps `version` and logs it.

Used by loading content files, imports and in-app editing alike, so every change to an
item leaves a version row saying who, when, how and what.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from exam_app.content import CaseSpec, QuestionSpec
from exam_app.content.stored import (
    CASE_FIELDS,
    QUESTION_FIELDS,
    case_checksum,
    case_record,
    question_from_record,
    question_record,
)
from exam_app.extensions import db
from exam_app.models import Case, CaseVersion, Question, QuestionVersion, User
from exam_app.models.base import utcnow

FILE_PREFIXES = ("question_bank/", "cases/")


def spec_of(question: Question) -> QuestionSpec:
    record = {name: getattr(question, name) for name in QUESTION_FIELDS}
    return question_from_record(question.uid, record, question.case.uid if question.case else None)


def case_spec_of(case: Case) -> CaseSpec:
    return CaseSpec(
        case.uid, case.title, case.topic, case.scenario, case.basis, case.source, (), "", 0
    )


def case_content(case: Case) -> dict:
    return {name: getattr(case, name) for name in CASE_FIELDS}


def last_loaded(row: Question | Case) -> str | None:
    """The checksum of the file version last loaded; rows loaded before this column existed
    count as loaded from their file exactly as they are."""
    if row.source_checksum is None and (row.origin or "").startswith(FILE_PREFIXES):
        return row.checksum
    return row.source_checksum


def _user_id(user: User | None) -> int | None:
    return user.id if user is not None else None


def write_question(
    question: Question | None,
    spec: QuestionSpec,
    *,
    action: str,
    note: str = "",
    user: User | None = None,
    case: Case | None = None,
    status: str | None = None,
    now: datetime | None = None,
) -> Question:
    """Create or update an item from `spec`; a new version only if its content changed."""
    now = now or utcnow()
    checksum = spec.checksum()
    if question is None:
        question = Question(uid=spec.id, version=0, checksum="", status=status or "draft")
        db.session.add(question)
    elif question.checksum == checksum and (case is None or question.case is case):
        if status:
            question.status = status
        return question
    else:
        _ensure_baseline(question)
    for name, value in question_record(spec).items():
        setattr(question, name, value)
    question.case = case
    question.checksum = checksum
    question.version += 1
    if status:
        question.status = status
    db.session.flush()
    db.session.add(
        QuestionVersion(
            question_id=question.id,
            version=question.version,
            content=spec.canonical(),
            checksum=checksum,
            action=action,
            note=note[:300],
            created_by_id=_user_id(user),
            created_at=now,
            reviewed_by_id=_user_id(user) if status == "reviewed" and user else None,
            reviewed_at=now if status == "reviewed" and user else None,
        )
    )
    return question


def write_case(
    case: Case | None,
    spec: CaseSpec,
    *,
    action: str,
    note: str = "",
    user: User | None = None,
    now: datetime | None = None,
) -> Case:
    record = case_record(spec)
    checksum = case_checksum(spec.id, record)
    if case is None:
        case = Case(uid=spec.id, version=0, checksum="")
        db.session.add(case)
    elif case_content(case) == record:
        case.checksum = checksum  # rows from before own-field checksums: same text
        return case
    else:
        _ensure_case_baseline(case)
    for name, value in record.items():
        setattr(case, name, value)
    case.checksum = checksum
    case.version += 1
    db.session.flush()
    db.session.add(
        CaseVersion(
            case_id=case.id,
            version=case.version,
            content=record,
            checksum=checksum,
            action=action,
            note=note[:300],
            created_by_id=_user_id(user),
            created_at=now or utcnow(),
        )
    )
    return case


def _ensure_baseline(question: Question) -> None:
    """Items loaded before versions were kept get their current state recorded first."""
    exists = db.session.scalar(
        select(QuestionVersion.id).where(
            QuestionVersion.question_id == question.id,
            QuestionVersion.version == question.version,
        )
    )
    if exists is None:
        spec = spec_of(question)
        db.session.add(
            QuestionVersion(
                question_id=question.id,
                version=question.version,
                content=spec.canonical(),
                checksum=question.checksum,
                action="file",
                note=question.origin[:300],
                created_at=question.updated_at,
            )
        )


def _ensure_case_baseline(case: Case) -> None:
    exists = db.session.scalar(
        select(CaseVersion.id).where(
            CaseVersion.case_id == case.id, CaseVersion.version == case.version
        )
    )
    if exists is None:
        db.session.add(
            CaseVersion(
                case_id=case.id,
                version=case.version,
                content=case_content(case),
                checksum=case.checksum,
                action="file",
                note=case.origin[:300],
                created_at=case.updated_at,
            )
        )
