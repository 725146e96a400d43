"""gunicorn.conf.py freezes the preloaded app before each fork: a worker's full garbage
collection walks only what the worker made, not the ~170,000 objects loaded once in the
master (0.2 s of a worker serving nobody each time, bench/RESULTS.md)."""

from __future__ import annotations

import pytest
import requests

from tests.faults.server import LiveServer

pytestmark = pytest.mark.faults


def test_each_worker_starts_with_the_preloaded_app_out_of_the_collectors_reach(
    app, database_url, tmp_path
):
    server = LiveServer(database_url, tmp_path, target="tests.faults.gc_probe_app:app").start()
    try:
        seen = {}
        for _ in range(20):  # both workers, whichever takes each connection
            state = requests.get(server.base + "/_test/gc", timeout=10).json()
            seen[state["pid"]] = state
            if len(seen) == 2:
                break
        assert seen, "no worker answered"
        for state in seen.values():
            # Flask, SQLAlchemy, the models, the templates' modules: far more than this.
            assert state["frozen"] > 50_000, state
            assert state["enabled"], state  # young objects are still collected
    finally:
        server.stop()
