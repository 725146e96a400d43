"""The flask commands a new install and cron use."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from sqlalchemy import func, select

from exam_app.extensions import db
from exam_app.models import Paper, User


def test_setup_creates_demo_accounts_and_a_paper_and_is_safe_to_run_again(app, runner):
    first = runner.invoke(args=["setup"])
    assert first.exit_code == 0, first.output
    assert "演示账号" in first.output and "staff1" in first.output and "lead1" in first.output
    users = db.session.scalar(select(func.count(User.id)))
    papers = db.session.scalar(select(func.count(Paper.id)))
    assert users == 10 and papers == 3  # the sample paper and the two shipped examples
    second = runner.invoke(args=["setup"])
    assert second.exit_code == 0, second.output
    assert db.session.scalar(select(func.count(User.id))) == users
    assert db.session.scalar(select(func.count(Paper.id))) == papers
    # The same passwords are printed again, and they work.
    password_line = next(line for line in second.output.splitlines() if "staff1" in line)
    assert (
        password_line.split()[1]
        == next(line for line in first.output.splitlines() if "staff1" in line).split()[1]
    )
    assert "新增 0 项，更新 0 项" in second.output


def test_demo_passwords_printed_by_setup_sign_in(app, runner, client):
    output = runner.invoke(args=["setup"]).output
    username, password = next(
        line.split()[:2] for line in output.splitlines() if line.strip().startswith("reviewer1")
    )
    client.login(username, password)
    assert client.get("/review/").status_code == 200


def test_content_check_reports_counts_as_json(app, runner):
    result = runner.invoke(args=["content", "check", "--json"])
    assert result.exit_code == 0, result.output
    counts = json.loads(result.output)
    assert counts["cases"] >= 2 and counts["questions"] > 0
    assert set(counts["by_kind"]) >= {"single", "multi", "tf", "fill", "essay"}


def test_create_user_refuses_a_duplicate_staff_number_in_chinese(app, runner):
    args = ["create-user", "--username", "u1", "--name", "甲", "--staff-no", "S9", "--role", "staff",
            "--password", "long-enough-1"]  # fmt: skip
    assert runner.invoke(args=args).exit_code == 0
    again = runner.invoke(args=[*args[:2], "u2", *args[3:]])
    assert again.exit_code != 0 and "工号「S9」已存在" in again.output


def test_the_shipped_example_papers_are_published_with_the_seeds_points(app, runner):
    runner.invoke(args=["setup"])
    skill = db.session.scalar(select(Paper).where(Paper.title == "客户服务技能考核任务书（示例）"))
    assert skill.status == "published"
    assert [(s.mode, s.total_points) for s in skill.sections] == [
        ("fixed", 14), ("fixed", 10), ("fixed", 15), ("choice", 25),
    ]  # fmt: skip
    assert skill.sections[3].choose_count == 5 and len(skill.sections[3].items) == 12
    quarterly = db.session.scalar(select(Paper).where(Paper.title == "季度综合考试（示例）"))
    assert quarterly.status == "published" and quarterly.total_points == 100
    assert quarterly.sections[-1].mode == "choice"


def test_content_check_counts_the_standards_and_fails_on_a_broken_catalogue(app, runner, tmp_path):
    assert json.loads(runner.invoke(args=["content", "check", "--json"]).output)["standards"] > 0
    root = Path(__file__).resolve().parents[2]
    for folder in ("question_bank", "cases"):
        shutil.copytree(root / folder, tmp_path / folder)
    catalogue = tmp_path / "question_bank" / "standards" / "kaohe-biaozhun.md"
    lines = catalogue.read_text(encoding="utf-8").split("\n")
    broken = lines.index("分值: -2") + 1
    lines[broken - 1] = "分值: 0"
    catalogue.write_text("\n".join(lines), encoding="utf-8")
    app.config["CONTENT_ROOT"] = tmp_path
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code == 1
    assert f"question_bank/standards/kaohe-biaozhun.md:{broken}: 分值不能为 0" in result.output
