"""Bring the bank in the database in line with question_bank/ and cases/.

All or nothing: if any file has an error, nothing is applied. Unchanged items (same
checksum) are left alone, so loading twice changes nothing; a changed item gets a new
version, and attempts already started keep the version they snapshotted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from exam_app.content import CaseSpec, ContentError, QuestionSpec, load_content
from exam_app.extensions import db
from exam_app.models import Case, Question


class ContentInvalid(Exception):
    def __init__(self, errors: list[ContentError]):
        super().__init__(f"内容文件有 {len(errors)} 处错误，未导入任何内容。")
        self.errors = errors


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0

    def summary(self) -> str:
        return (
            f"新增 {len(self.created)} 项，更新 {len(self.updated)} 项，未变 {self.unchanged} 项。"
        )


def _question_fields(spec: QuestionSpec) -> dict[str, Any]:
    return {
        "kind": spec.kind,
        "topic": spec.topic,
        "difficulty": spec.difficulty,
        "points": spec.points,
        "stem": spec.stem,
        # Options carry no correctness: pages render them, the key stays apart.
        "options": [{"label": o.label, "text": o.text} for o in spec.options],
        "key": spec.key,
        "rule": spec.rule,
        "explanation": spec.explanation,
        "source": spec.source,
        "tags": list(spec.tags),
        "rubric": [
            {
                "id": c.id,
                "title": c.title,
                "points": str(c.points),
                "step": str(c.step),
                "key_points": list(c.key_points),
            }
            for c in spec.rubric
        ],
        "reference_answer": spec.reference_answer,
        "guidance": spec.guidance,
        "origin": f"{spec.file}:{spec.line}",
    }


def _case_fields(spec: CaseSpec) -> dict[str, Any]:
    return {
        "title": spec.title,
        "topic": spec.topic,
        "scenario": spec.scenario,
        "basis": spec.basis,
        "source": spec.source,
        "origin": spec.file,
    }


def _upsert(model, uid: str, checksum: str, fields: dict[str, Any], report: SyncReport):
    row = db.session.scalar(select(model).where(model.uid == uid))
    if row is None:
        row = model(uid=uid, checksum=checksum, version=1, **fields)
        db.session.add(row)
        report.created.append(uid)
    elif row.checksum != checksum:
        for name, value in fields.items():
            setattr(row, name, value)
        row.checksum = checksum
        row.version += 1
        report.updated.append(uid)
    else:
        report.unchanged += 1
    return row


def sync_content(root: Path) -> SyncReport:
    content = load_content(root)
    if content.errors:
        raise ContentInvalid(content.errors)
    report = SyncReport()
    try:
        for case_spec in content.cases:
            case = _upsert(
                Case, case_spec.id, case_spec.checksum(), _case_fields(case_spec), report
            )
            db.session.flush()
            for q in case_spec.questions:
                question = _upsert(Question, q.id, q.checksum(), _question_fields(q), report)
                question.case = case
        for q in content.questions:
            _upsert(Question, q.id, q.checksum(), _question_fields(q), report)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report
