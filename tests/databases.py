"""Real databases for the tests: a SQLite file, and a throwaway PostgreSQL server.

The PostgreSQL cluster is made with Debian's initdb in a temporary folder, listens on
127.0.0.1 only and is stopped at the end of the run. Each test gets a fresh database
copied from a migrated template, so tests never see each other's rows.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def postgres_bin() -> Path | None:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    return Path(found[-1]).parent if found else None


class PostgresServer:
    def __init__(self, durable: bool = False) -> None:
        # Tests run with fsync off (speed); the benchmark asks for a durable server, so a
        # commit costs there what it costs in production and compares fairly with SQLite.
        self.durable = durable
        bindir = postgres_bin()
        if bindir is None:
            raise RuntimeError("PostgreSQL (initdb) not installed")
        self.bin = bindir
        self.dir = Path(tempfile.mkdtemp(prefix="exam-pg-"))
        self.data = self.dir / "data"
        self.port = _free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:  # postgres refuses to run as root: hand the folder to its user
            shutil.chown(self.dir, "postgres", "postgres")

    def _run(self, *args: str) -> None:
        cmd = [str(self.bin / args[0]), *args[1:]]
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True)

    def start(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "-E", "UTF8", "--locale=C.UTF-8")  # fmt: skip
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir}"
        if not self.durable:
            options += " -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.dir / "server.log"),
                  "-w", "-t", "60", "-o", options, "start")  # fmt: skip

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, name: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(sql)

    def create_database(self, template: str | None = None) -> str:
        name = "t_" + uuid.uuid4().hex[:12]
        self.admin(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
        return name


def answer_awaited(operation, on_wait):
    """One of psycopg's operations (a generator it hands to `Connection.wait`), calling
    `on_wait()` once if it waits for the server's answer: a round trip. BEGIN, COMMIT and the
    pool's ping count too; an operation psycopg settles locally waits for nothing, and a
    statement queued in pipeline mode only waits to be written (the pipeline's answers are
    one wait when it syncs). The tests and bench/request_costs.py count round trips so.

    A pipeline's sync (or the end of its block) is one round trip however the answers come
    in: psycopg reads them during its read-or-write waits while it still writes the queue,
    so a client slowed by a busy machine finds them there and never waits for reading
    alone. Counting only those waits made the count timing-dependent."""
    from psycopg._pipeline_base import BasePipeline  # its generators: private, checked here
    from psycopg.waiting import Wait

    syncs = (BasePipeline._sync_gen.__code__, BasePipeline._exit_gen.__code__)
    waited = getattr(operation, "gi_code", None) in syncs
    if waited:
        on_wait()
    try:
        ready = operation.send(None)
        while True:
            if ready == Wait.R and not waited:
                waited = True
                on_wait()
            ready = operation.send((yield ready))
    except StopIteration as stop:
        return stop.value
