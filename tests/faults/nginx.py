"""nginx in front of app servers, for the two-server test: Debian's nginx binary run as a
child process with a configuration, prefix, pid file, logs and temp folders of its own in a
temporary folder (nothing under /etc/nginx or /var is read or written), like
tests/databases.py runs PostgreSQL. The proxy settings are the shipped deploy/exam-proxy.conf.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
PROXY_SETTINGS = ROOT / "deploy" / "exam-proxy.conf"


def nginx_bin() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None
    )


class NginxProxy:
    """Round robin over `backends` on 127.0.0.1:`port`; each answer says which server
    answered in `X-Upstream` (test only), so a test can check requests really alternate."""

    def __init__(self, port: int, backends: list[int]):
        self.port, self.backends = port, backends
        self.dir = Path(tempfile.mkdtemp(prefix="exam-nginx-"))
        self.proc: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _config(self) -> str:
        d = self.dir
        # As root, nginx's workers switch to `nobody`: give it the temp folders. As another
        # user the workers simply stay that user and the directive is left out.
        user = "user nobody nogroup;" if os.geteuid() == 0 else ""
        servers = "\n".join(f"    server 127.0.0.1:{p};" for p in self.backends)
        return f"""
{user}
worker_processes 1;
daemon off;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 256; }}
http {{
  access_log {d}/access.log;
  client_body_temp_path {d}/client_body;
  proxy_temp_path {d}/proxy;
  fastcgi_temp_path {d}/fastcgi;
  uwsgi_temp_path {d}/uwsgi;
  scgi_temp_path {d}/scgi;
  upstream exam_app {{
{servers}
    keepalive 8;
  }}
  server {{
    listen 127.0.0.1:{self.port};
    add_header X-Upstream $upstream_addr always;
    location / {{
      include {PROXY_SETTINGS};
      proxy_pass http://exam_app;
    }}
  }}
}}
"""

    def start(self) -> NginxProxy:
        conf = self.dir / "nginx.conf"
        conf.write_text(self._config())
        if os.geteuid() == 0:
            shutil.chown(self.dir, "nobody", "nogroup")
        cmd = [nginx_bin(), "-p", str(self.dir), "-c", str(conf), "-e", str(self.dir / "error.log")]
        check = subprocess.run([*cmd, "-t"], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.error_log()
            try:
                requests.get(self.base + "/healthz", timeout=2)
                return self
            except requests.RequestException:
                time.sleep(0.1)
        raise AssertionError("nginx did not come up in 10 s\n" + self.error_log())

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()  # SIGTERM: nginx's fast shutdown, master and workers
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        shutil.rmtree(self.dir, ignore_errors=True)

    def error_log(self) -> str:
        path = self.dir / "error.log"
        return path.read_text()[-3000:] if path.exists() else ""
