"""Backup and restore of the whole database, online.

SQLite: the online backup API copies a consistent snapshot page by page while the app keeps
serving (a plain file copy could catch a half-written WAL). Restoring runs the same API the
other way, into the live file, so workers see the restored data without a restart.
PostgreSQL: pg_dump's custom format, restored with pg_restore in one transaction.
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL, Engine

from exam_app.services.errors import ServiceError


def postgres_tool(name: str) -> str:
    """pg_dump/pg_restore from PATH, else Debian's newest /usr/lib/postgresql/*/bin."""
    if found := shutil.which(name):
        return found
    candidates = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4])
    )
    if not candidates:
        raise ServiceError(f"找不到 {name}：请安装 PostgreSQL 客户端（postgresql-client）。")
    return candidates[-1]


def _libpq_url(url: URL) -> str:
    # The password goes through PGPASSWORD (below), never the command line that `ps` shows.
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)


def _run(cmd: list[str], url: URL | None = None) -> None:
    env = dict(os.environ)
    if url is not None and url.password:
        env["PGPASSWORD"] = str(url.password)
    done = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise ServiceError(f"{Path(cmd[0]).name} 失败：{done.stderr.strip()[-500:]}")


def backup(engine: Engine, output: Path) -> None:
    url = engine.url
    output.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(url.database)
        target = sqlite3.connect(output)
        try:
            with target:
                source.backup(target)
        finally:
            target.close()
            source.close()
    elif url.get_backend_name() == "postgresql":
        _run([postgres_tool("pg_dump"), "--format=custom", "--no-owner",
              f"--file={output}", f"--dbname={_libpq_url(url)}"], url)  # fmt: skip
    else:
        raise ServiceError(f"不支持备份此类数据库：{url.get_backend_name()}")


def restore(engine: Engine, source_file: Path) -> None:
    if not source_file.is_file():
        raise ServiceError(f"备份文件不存在：{source_file}")
    url = engine.url
    engine.dispose()  # our own pooled connections must not hold locks or old snapshots
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(source_file)
        target = sqlite3.connect(url.database, timeout=30)
        try:
            if source.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise ServiceError(f"备份文件已损坏：{source_file}")
            source.backup(target)
        except sqlite3.DatabaseError as e:
            raise ServiceError(f"不是有效的 SQLite 备份：{source_file}（{e}）") from None
        finally:
            target.close()
            source.close()
    elif url.get_backend_name() == "postgresql":
        # --clean drops what the dump recreates; one transaction: all or nothing.
        _run([postgres_tool("pg_restore"), "--clean", "--if-exists", "--no-owner",
              "--single-transaction", f"--dbname={_libpq_url(url)}", str(source_file)], url)  # fmt: skip
    else:
        raise ServiceError(f"不支持恢复此类数据库：{url.get_backend_name()}")
