"""flask backup / restore on both databases: restoring brings the original data back."""

from __future__ import annotations

from sqlalchemy import select

from exam_app.extensions import db
from exam_app.models import Role, User
from tests.factories import person


def _names() -> list[str]:
    db.session.remove()
    return list(db.session.scalars(select(User.name).order_by(User.username)))


def test_backup_then_restore_brings_back_the_original_data(app, runner, tmp_path):
    person("keeper", Role.STAFF)
    before = _names()
    assert "测试keeper" in before
    backup_file = tmp_path / "backups" / "exam.bak"
    result = runner.invoke(args=["backup", "--output", str(backup_file)])
    assert result.exit_code == 0, result.output
    assert backup_file.stat().st_size > 0 and "已备份" in result.output

    # Change data after the backup: a rename, a new person.
    keeper = db.session.scalar(select(User).where(User.username == "keeper"))
    keeper.name = "改过的名字"
    person("newcomer", Role.STAFF)
    db.session.commit()
    assert _names() != before

    refused = runner.invoke(args=["restore", str(backup_file)])
    assert refused.exit_code != 0 and "--yes" in refused.output
    assert "改过的名字" in _names()  # nothing restored without confirmation

    result = runner.invoke(args=["restore", str(backup_file), "--yes"])
    assert result.exit_code == 0, result.output
    assert _names() == before


def test_restore_of_a_missing_file_fails_in_chinese(app, runner, tmp_path):
    result = runner.invoke(args=["restore", str(tmp_path / "none.bak"), "--yes"])
    assert result.exit_code != 0 and "备份文件不存在" in result.output
