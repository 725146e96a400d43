"""Loading question_bank/ and cases/ into the database: idempotent, all or nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from exam_app.extensions import db
from exam_app.models import Case, Question
from exam_app.services.content_sync import ContentInvalid, sync_content

ROOT = Path(__file__).resolve().parents[2]


def _copy_content(tmp_path: Path) -> Path:
    for folder in ("question_bank", "cases"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return tmp_path


def _snapshot():
    return sorted((q.uid, q.version, q.checksum) for q in db.session.scalars(select(Question)))


def test_loading_twice_changes_nothing(app):
    before = _snapshot()
    assert before, "the template database holds the shipped content"
    report = sync_content(ROOT)
    assert report.created == [] and report.updated == []
    assert report.unchanged == len(before) + db.session.scalar(select(func.count(Case.id)))
    assert _snapshot() == before


def test_an_edited_item_gets_a_new_version(app, tmp_path):
    root = _copy_content(tmp_path)
    bank_file = sorted(p for p in (root / "question_bank").glob("*.md") if p.name != "README.md")[0]
    question = db.session.scalars(
        select(Question).where(Question.origin.startswith(f"question_bank/{bank_file.name}"))
    ).first()
    text = bank_file.read_text(encoding="utf-8")
    first_line = question.stem.strip().splitlines()[0]
    assert first_line in text
    bank_file.write_text(text.replace(first_line, first_line + "（修订）", 1), encoding="utf-8")
    report = sync_content(root)
    assert report.updated == [question.uid]
    db.session.refresh(question)
    assert question.version == 2 and "（修订）" in question.stem


def test_a_broken_file_applies_nothing_and_names_file_and_line(app, tmp_path):
    root = _copy_content(tmp_path)
    files = sorted(p for p in (root / "question_bank").glob("*.md") if p.name != "README.md")
    good, bad = files[0], files[-1]
    # A real edit in one file and a broken item in another: neither may land.
    question = db.session.scalars(
        select(Question).where(Question.origin.startswith(f"question_bank/{good.name}"))
    ).first()
    first_line = question.stem.strip().splitlines()[0]
    good.write_text(good.read_text(encoding="utf-8").replace(first_line, "改过的题干", 1), "utf-8")
    text = bad.read_text(encoding="utf-8").rstrip("\n")
    broken_line = text.count("\n") + 3
    bad.write_text(text + "\n\n## broken-item-001\n题型: 连线\n难度: 2\n分值: 1\n\n题干\n", "utf-8")
    before = _snapshot()
    with pytest.raises(ContentInvalid) as info:
        sync_content(root)
    places = [(e.file, e.line) for e in info.value.errors]
    # The heading or the 题型 line of the broken item, in the broken file.
    assert {(f"question_bank/{bad.name}", n) for n in (broken_line, broken_line + 1)} & set(
        places
    ), places
    assert all("连线" in e.message or "题型" in e.message for e in info.value.errors)
    assert _snapshot() == before
