"""A real server process for the fault tests: gunicorn serving wsgi:app on a given database."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
SECRET = "fault-test-secret"
_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """`gunicorn -w 2 wsgi:app` in its own process group, so kill() reaches every worker."""

    def __init__(
        self,
        database_url: str,
        instance_dir: Path,
        workers: int = 2,
        *,
        port: int | None = None,
        env: dict[str, str] | None = None,
        timeout: int = 30,
        target: str = "wsgi:app",
    ):
        self.database_url, self.instance_dir, self.workers = database_url, instance_dir, workers
        self.port = port or free_port()
        self.extra_env = env or {}
        self.timeout, self.target = timeout, target
        self.proc: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> LiveServer:
        conf = (
            ["-c", str(ROOT / "gunicorn.conf.py")] if (ROOT / "gunicorn.conf.py").exists() else []
        )
        cmd = [str(GUNICORN), *conf, "-b", f"127.0.0.1:{self.port}", "-w", str(self.workers),
               "--timeout", str(self.timeout), self.target]  # fmt: skip
        env = {**os.environ, "DATABASE_URL": self.database_url, "SECRET_KEY": SECRET,
               "EXAM_INSTANCE_DIR": str(self.instance_dir), "LOG_LEVEL": "WARNING",
               **self.extra_env}  # fmt: skip
        self.log = open(self.instance_dir / f"gunicorn-{self.port}.log", "a")  # noqa: SIM115
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=self.log, stderr=self.log,
                                     start_new_session=True)  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log_text()
            try:
                if requests.get(self.base + "/login", timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise AssertionError("the server did not come up in 30 s\n" + self.log_text())

    def kill(self) -> None:
        """SIGKILL to the master and its workers at once: no shutdown code runs."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)
        self.log.close()

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        self.log.close()

    def log_text(self) -> str:
        self.log.flush()
        return (self.instance_dir / f"gunicorn-{self.port}.log").read_text()[-3000:]


class Candidate:
    """A browser tab over real HTTP: signs in, starts, saves with X-CSRFToken, submits."""

    def __init__(self, server: LiveServer, session: requests.Session | None = None):
        self.server = server
        self.http = session or requests.Session()
        self.token = ""
        self.attempt_id = 0

    def url(self, path: str) -> str:
        return self.server.base + path

    def _token_from(self, response: requests.Response) -> str:
        match = _META.search(response.text)
        assert match, response.text[:300]
        return match.group(1)

    def login(self, username: str, password: str) -> Candidate:
        token = self._token_from(self.http.get(self.url("/login"), timeout=10))
        r = self.http.post(self.url("/login"), timeout=10, allow_redirects=False,
                           data={"csrf_token": token, "username": username, "password": password})  # fmt: skip
        assert r.status_code == 302, r.text[:300]
        return self

    def start(self, paper_id: int) -> int:
        token = self._token_from(self.http.get(self.url("/exams/"), timeout=10))
        r = self.http.post(self.url(f"/exams/papers/{paper_id}/start"), timeout=10,
                           data={"csrf_token": token}, allow_redirects=False)  # fmt: skip
        # A prepared attempt: the exam page is the start's own answer (at the address in
        # Content-Location); otherwise a redirect to it.
        where = r.headers.get("Content-Location" if r.status_code == 200 else "Location", "")
        assert r.status_code in (200, 302) and "/exams/attempts/" in where, r.text[:300]
        self.attempt_id = int(where.rstrip("/").rsplit("/", 1)[1])
        if r.status_code == 200:
            self.token = self._token_from(r)
        else:
            self.open_page()
        return self.attempt_id

    def open_page(self) -> None:
        page = self.http.get(self.url(f"/exams/attempts/{self.attempt_id}"), timeout=10)
        self.token = self._token_from(page)

    def tab(self) -> Candidate:
        """A second tab of the same browser: the same cookies, its own connection."""
        other = Candidate(self.server, requests.Session())
        other.http.cookies.update(self.http.cookies)
        other.attempt_id, other.token = self.attempt_id, self.token
        return other

    def save(self, position: int, response, seq: int, timeout: float = 10) -> requests.Response:
        return self.http.post(
            self.url(f"/exams/attempts/{self.attempt_id}/answers"),
            json={"position": position, "response": response, "seq": seq},
            headers={"X-CSRFToken": self.token, "Accept": "application/json"},
            timeout=timeout,
        )

    def submit(self) -> requests.Response:
        return self.http.post(self.url(f"/exams/attempts/{self.attempt_id}/submit"), timeout=30,
                              data={"csrf_token": self.token}, allow_redirects=False)  # fmt: skip
