"""flask commands: setup, load-content, content check/import/export, create-user, close-overdue,
prepare-attempts."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask_migrate import upgrade
from sqlalchemy import select

from exam_app.bank import cli as bank_cli
from exam_app.content import load_content
from exam_app.extensions import db
from exam_app.models import Role, User
from exam_app.models.base import utcnow
from exam_app.quality.catalogue import CatalogueInvalid, load_catalogue
from exam_app.services import ServiceError
from exam_app.services.accounts import create_user
from exam_app.services.attempts import close_overdue
from exam_app.services.content_sync import ContentInvalid, sync_content
from exam_app.services.demo import ensure_demo_accounts, ensure_demo_paper
from exam_app.services.demo_quality import ensure_demo_quality
from exam_app.services.example_papers import ensure_example_papers
from exam_app.services.preparing import PREPARE_AHEAD, prepare_due
from exam_app.services.quality.standards import sync_standards


def _load(root: Path, prefer_file: tuple[str, ...] = ()) -> None:
    try:
        report = sync_content(root, prefer_file)
    except ContentInvalid as e:
        for err in e.errors:
            click.echo(str(err), err=True)
        raise click.ClickException(str(e)) from None
    click.echo(f"题库已导入：{report.summary()}")
    for conflict in report.conflicts:
        click.echo(conflict, err=True)
    try:  # the service-quality standards are content too, checked with file and line
        standards = sync_standards(root, utcnow())
    except CatalogueInvalid as e:
        for err in e.errors:
            click.echo(str(err), err=True)
        raise click.ClickException("考核标准文件有误，未导入。") from None
    click.echo(standards.summary)


@click.command("setup")
@click.option("--demo/--no-demo", default=True, help="创建演示账号和示例试卷")
def setup_command(demo: bool) -> None:
    """Create or upgrade the database, load the content, create demo accounts."""
    upgrade()
    _load(current_app.config["CONTENT_ROOT"])
    if not demo:
        _prepare(PREPARE_AHEAD.total_seconds() / 3600)
        return
    rows = ensure_demo_accounts(Path(current_app.instance_path) / "demo-accounts.txt")
    if ensure_demo_paper():
        click.echo("已创建并发布示例试卷。")
    if ensure_demo_quality(utcnow()):
        click.echo("已创建上个月的服务质量示例记录、本季度权重和定性评价。")
    lead = db.session.scalar(select(User).where(User.username == "lead1"))
    for line in ensure_example_papers(lead) if lead else []:
        click.echo(line)
    _prepare(PREPARE_AHEAD.total_seconds() / 3600)
    click.echo("\n演示账号（用户名 / 密码 / 角色）：")
    for username, password, roles in rows:
        click.echo(f"  {username:<10} {password:<16} {roles}")
    click.echo("")


@click.command("load-content")
@click.option(
    "--prefer-file", multiple=True, metavar="编号", help="冲突时以文件为准的题目或案例编号"
)
def load_content_command(prefer_file: tuple[str, ...]) -> None:
    """Load question_bank/ and cases/ into the database (idempotent, all or nothing)."""
    _load(current_app.config["CONTENT_ROOT"], prefer_file)


@click.group("content")
def content_group() -> None:
    """Content files: check."""


@content_group.command("check")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出统计")
def content_check(as_json: bool) -> None:
    """Check every content file and report all problems at once."""
    root = current_app.config["CONTENT_ROOT"]
    content = load_content(root)
    # The catalogue of service-quality standards is content too: checked here, file and line.
    try:
        standards = len(load_catalogue(root).standards)
    except CatalogueInvalid as e:
        standards, content.errors = 0, content.errors + list(e.errors)
    for err in content.errors + content.twins:
        click.echo(str(err), err=True)
    if as_json:
        counts = content.counts() | {"standards": standards}
        click.echo(json.dumps(counts, ensure_ascii=False, indent=2))
    elif not content.errors and not content.twins:
        counts = content.counts()
        groups = len({q.exclusion_group for q in content.questions} - {None})
        click.echo(
            f"内容检查通过：{counts['questions']} 道题，{counts['cases']} 个案例，{groups} 个互斥组，"
            f"{standards} 条考核标准。"
        )
    if content.errors:
        click.echo(f"共 {len(content.errors)} 处错误。", err=True)
    if content.twins:
        click.echo(f"共 {len(content.twins)} 对题目可能重复而没有同一个互斥组（见上）。", err=True)
    if content.errors or content.twins:
        sys.exit(1)


@click.command("create-user")
@click.option("--username", required=True)
@click.option("--name", required=True)
@click.option("--staff-no", required=True)
@click.option("--department", default=None)
@click.option("--role", "roles", multiple=True, type=click.Choice([r.value for r in Role]))
@click.password_option()
def create_user_command(username, name, staff_no, department, roles, password) -> None:
    """Create an account."""
    try:
        create_user(
            username=username,
            name=name,
            staff_no=staff_no,
            department=department,
            roles={Role(r) for r in roles} or {Role.STAFF},
            password=password,
        )
    except ServiceError as e:
        raise click.ClickException(e.message) from None
    click.echo(f"已创建用户 {username}。")


@click.command("close-overdue")
def close_overdue_command() -> None:
    """Submit and grade attempts left open past their deadline (safe to run from cron)."""
    click.echo(f"已自动交卷 {close_overdue()} 份超时答卷。")


@click.command("prepare-attempts")
@click.option("--hours", default=PREPARE_AHEAD.total_seconds() / 3600, show_default=True,
              help="为多少小时内开考（或正在进行）的考试备卷")  # fmt: skip
def prepare_attempts_command(hours: float) -> None:
    """Draw the attempts of exams about to open, so starting one costs almost nothing at the
    rush (run from cron every few minutes, like close-overdue; safe to repeat)."""
    _prepare(hours)


def _prepare(hours: float) -> None:
    from datetime import timedelta

    made = prepare_due(ahead=timedelta(hours=hours))
    if made:
        click.echo(f"已为 {made} 人备好考卷（开考时直接开始作答）。")


def init_app(app: Flask) -> None:
    from exam_app.cli_backup import backup_command, restore_command

    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    content_group.add_command(bank_cli.import_command)
    content_group.add_command(bank_cli.export_command)
    for command in (
        setup_command,
        load_content_command,
        content_group,
        create_user_command,
        close_overdue_command,
        prepare_attempts_command,
    ):
        app.cli.add_command(command)
