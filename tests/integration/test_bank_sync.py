"""flask load-content and in-app edits: a reload never silently overwrites an edit."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import select

from exam_app.content.build import draft_from_spec
from exam_app.extensions import db
from exam_app.models import Question, Role
from exam_app.services.bank_editing import save_question
from exam_app.services.bank_history import spec_of
from exam_app.services.content_sync import sync_content
from tests.factories import person

ROOT = Path(__file__).resolve().parents[2]


def _copy(tmp_path: Path) -> Path:
    for folder in ("question_bank", "cases"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return tmp_path


def _item_in_file(root: Path) -> tuple[Question, Path]:
    path = sorted(p for p in (root / "question_bank").glob("*.md") if p.name != "README.md")[0]
    question = db.session.scalars(
        select(Question)
        .where(Question.origin.startswith(f"question_bank/{path.name}"), Question.kind == "single")
        .order_by(Question.uid)
    ).first()
    return question, path


def _edit_in_app(question: Question, stem: str) -> None:
    draft = draft_from_spec(spec_of(question))
    draft.stem = stem
    save_question(draft, user=person("lead", Role.LEAD), base_version=question.version)


def _edit_file(path: Path, question: Question, addition: str) -> None:
    first_line = question.stem.splitlines()[0]
    text = path.read_text(encoding="utf-8")
    assert first_line in text
    path.write_text(text.replace(first_line, first_line + addition, 1), encoding="utf-8")


def test_a_reload_keeps_an_app_edit_when_the_file_did_not_change(app, tmp_path):
    root = _copy(tmp_path)
    question, _ = _item_in_file(root)
    _edit_in_app(question, "在线改过的题干")
    report = sync_content(root)
    assert report.updated == [] and report.conflicts == []
    db.session.refresh(question)
    assert question.stem == "在线改过的题干" and question.version == 2


def test_a_file_change_reaches_an_item_not_edited_in_the_app(app, tmp_path):
    root = _copy(tmp_path)
    question, path = _item_in_file(root)
    original = question.stem
    _edit_file(path, question, "（文件修订）")
    assert sync_content(root).updated == [question.uid]
    db.session.refresh(question)
    assert "（文件修订）" in question.stem and question.stem != original
    assert question.version == 2 and question.source_checksum == question.checksum
    assert sync_content(root).updated == []


def test_both_changed_is_a_conflict_that_keeps_the_app_version(app, tmp_path, runner):
    root = _copy(tmp_path)
    question, path = _item_in_file(root)
    _edit_file(path, question, "（文件修订）")
    _edit_in_app(question, "在线改过的题干")
    report = sync_content(root)
    assert report.updated == []
    assert len(report.conflicts) == 1 and question.uid in report.conflicts[0]
    assert "都改过" in report.conflicts[0] and "--prefer-file" in report.conflicts[0]
    assert "冲突" in report.summary()
    db.session.refresh(question)
    assert question.stem == "在线改过的题干" and question.version == 2
    # Still a conflict on the next load: nothing was silently accepted.
    assert len(sync_content(root).conflicts) == 1
    # The lead chooses the file's version.
    app.config["CONTENT_ROOT"] = root
    result = runner.invoke(args=["load-content", "--prefer-file", question.uid])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    question = db.session.get(Question, question.id)
    assert "（文件修订）" in question.stem and question.version == 3
    assert sync_content(root).conflicts == []


def test_a_file_that_catches_up_with_the_app_is_no_conflict(app, tmp_path):
    root = _copy(tmp_path)
    question, path = _item_in_file(root)
    _edit_file(path, question, "（同样的修订）")
    _edit_in_app(question, question.stem.replace(
        question.stem.splitlines()[0], question.stem.splitlines()[0] + "（同样的修订）", 1))  # fmt: skip
    report = sync_content(root)
    assert report.conflicts == [] and report.updated == []
    db.session.refresh(question)
    assert question.version == 2 and question.source_checksum == question.checksum
