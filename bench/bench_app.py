"""The real app for the load benchmark, plus one bare view to compare against.

`gunicorn bench.bench_app:app` serves exactly what `wsgi:app` serves, and `/bench/bare`:
a view that touches neither the session nor the database, so its latency and throughput
are what the server, the machine and the load generator allow at that moment.

Each full garbage collection (generation 2) in a worker is logged with its duration: while
it runs the worker serves nobody (load_bench.gc_summary reads the lines).
"""

import gc
import logging
import os
import time

from exam_app import create_app
from exam_app.web.password_change import no_sign_in

app = create_app()


@app.get("/bench/bare")
@no_sign_in  # nothing of the person: not even the one-time-password check loads them
def bare():
    return "ok"


_gc_log = logging.getLogger("bench.gc")
_gc_started = [0.0]


def _full_collections(phase: str, info: dict) -> None:
    if phase == "start":
        _gc_started[0] = time.perf_counter()
    elif info["generation"] == 2:
        _gc_log.warning("gc full collection pid=%d duration_ms=%.1f frozen=%d", os.getpid(),
                        (time.perf_counter() - _gc_started[0]) * 1000, gc.get_freeze_count())  # fmt: skip


gc.callbacks.append(_full_collections)
