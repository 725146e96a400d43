"""Bring the bank in the database in line with question_bank/ and cases/.

All or nothing: if any file has an error, nothing is applied. Each row remembers the
checksum of what was last loaded from its file (`source_checksum`) apart from the checksum
of its current content (`checksum`, which in-app edits change). So a reload:

- leaves an item alone when its file has not changed since the last load (even if the item
  was edited in the app: the edit stays);
- updates it (a new version) when the file changed and the app copy did not;
- reports a conflict, and keeps the app copy, when both changed; `prefer_file` names the
  items for which the lead chose the file's version instead.

Attempts already started keep the version they snapshotted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from exam_app.content import CaseSpec, ContentError, QuestionSpec, load_content
from exam_app.content.stored import case_checksum, case_record
from exam_app.extensions import db
from exam_app.models import Case, Question
from exam_app.services.bank_history import last_loaded, write_case, write_question


class ContentInvalid(Exception):
    def __init__(self, errors: list[ContentError]):
        super().__init__(f"内容文件有 {len(errors)} 处错误，未导入任何内容。")
        self.errors = errors


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)  # Chinese, one per item

    def summary(self) -> str:
        text = (
            f"新增 {len(self.created)} 项，更新 {len(self.updated)} 项，未变 {self.unchanged} 项。"
        )
        if self.conflicts:
            text += f"另有 {len(self.conflicts)} 项冲突，保留了题库中的修改（见下）。"
        return text


def _decide(row, file_sum: str, uid: str, where: str, prefer: set[str], report) -> bool:
    """Whether the file's version is to be written over `row`."""
    loaded = last_loaded(row)
    if file_sum == loaded:
        row.source_checksum = file_sum
        report.unchanged += 1  # the file did not change; an app edit, if any, stays
        return False
    if row.checksum == file_sum:
        row.source_checksum = file_sum  # the file caught up with the app copy
        report.unchanged += 1
        return False
    if row.checksum == loaded or uid in prefer:
        report.updated.append(uid)
        return True
    report.conflicts.append(
        f"{where}: “{uid}”在文件和题库中都改过，保留了题库中的第 {row.version} 版；"
        f"要以文件为准，运行 flask load-content --prefer-file {uid}"
    )
    return False


def _sync_case(spec: CaseSpec, prefer: set[str], report: SyncReport) -> Case:
    row = db.session.scalar(select(Case).where(Case.uid == spec.id))
    file_sum = case_checksum(spec.id, case_record(spec))
    note = spec.file
    if row is None:
        row = write_case(None, spec, action="file", note=note)
        report.created.append(spec.id)
    elif _decide(row, file_sum, spec.id, spec.file, prefer, report):
        row = write_case(row, spec, action="file", note=note)
    else:
        return row
    row.origin = spec.file
    row.source_checksum = file_sum
    return row


def _sync_question(
    spec: QuestionSpec, case: Case | None, prefer: set[str], report: SyncReport
) -> None:
    row = db.session.scalar(select(Question).where(Question.uid == spec.id))
    file_sum = spec.checksum()
    note = f"{spec.file}:{spec.line}"
    if row is None:
        row = write_question(None, spec, action="file", note=note, case=case, status="reviewed")
        report.created.append(spec.id)
    elif _decide(row, file_sum, spec.id, note, prefer, report):
        write_question(row, spec, action="file", note=note, case=case)
    else:
        return
    row.origin = note
    row.source_checksum = file_sum


def sync_content(root: Path, prefer_file: Iterable[str] = ()) -> SyncReport:
    content = load_content(root)
    if content.errors:
        raise ContentInvalid(content.errors)
    prefer = set(prefer_file)
    report = SyncReport()
    try:
        for case_spec in content.cases:
            case = _sync_case(case_spec, prefer, report)
            db.session.flush()
            for q in case_spec.questions:
                _sync_question(q, case, prefer, report)
        for q in content.questions:
            _sync_question(q, None, prefer, report)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report
