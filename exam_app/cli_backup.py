"""flask backup / flask restore: the whole database, online, SQLite or PostgreSQL."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from flask import current_app

from exam_app.extensions import db
from exam_app.services import ServiceError
from exam_app.services import backup as backups


def _default_output() -> Path:
    suffix = "db" if db.engine.url.get_backend_name() == "sqlite" else "dump"
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path(current_app.instance_path) / "backups" / f"exam-{stamp}.{suffix}"


@click.command("backup")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="备份文件（默认 instance/backups/exam-时间.db 或 .dump）")  # fmt: skip
def backup_command(output: Path | None) -> None:
    """Back up the database while the app keeps serving."""
    output = output or _default_output()
    try:
        backups.backup(db.engine, output)
    except ServiceError as e:
        raise click.ClickException(e.message) from None
    click.echo(f"已备份到 {output}")


@click.command("restore")
@click.argument("backup_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="确认用备份覆盖当前数据库")
def restore_command(backup_file: Path, yes: bool) -> None:
    """Replace the whole database with a backup (needs --yes)."""
    if not yes:
        raise click.ClickException("恢复会覆盖当前数据库的全部数据；确认无误请加 --yes 再运行。")
    db.session.remove()
    try:
        backups.restore(db.engine, backup_file)
    except ServiceError as e:
        raise click.ClickException(e.message) from None
    click.echo(f"已从 {backup_file} 恢复数据库。")
