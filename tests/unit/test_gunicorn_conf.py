"""gunicorn.conf.py's choices that the rush depends on, read as gunicorn reads the file."""

from __future__ import annotations

import runpy
from pathlib import Path

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def _settings(monkeypatch, **env: str) -> dict:
    monkeypatch.delenv("GUNICORN_MAX_REQUESTS", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONF))


def test_workers_are_not_recycled_so_their_caches_last_the_whole_exam(monkeypatch):
    settings = _settings(monkeypatch)
    # A worker recycled every few thousand requests lives seconds at the rush and reads
    # every candidate's layout again (bench/RESULTS.md, sqlite-recycled-5000).
    assert settings["max_requests"] == 0
    assert settings["preload_app"] is True


def test_recycling_when_asked_is_jittered_by_a_tenth(monkeypatch):
    settings = _settings(monkeypatch, GUNICORN_MAX_REQUESTS="200000")
    assert settings["max_requests"] == 200_000
    assert settings["max_requests_jitter"] == 20_000
