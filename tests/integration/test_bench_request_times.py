"""The load bench reads the app's own request times from its log (bench/request_times.py):
from the lines the app really writes, so a change of the log's format breaks this test
rather than silently emptying the bench's "inside the app" tables."""

from __future__ import annotations

import io
import logging
import time

from bench.request_times import by_window, percentile


def _app_handler() -> logging.StreamHandler:
    return next(h for h in logging.getLogger("exam_app").handlers if getattr(h, "_exam_app", False))


def test_each_window_counts_the_requests_the_app_logged_in_it(client):
    handler, written = _app_handler(), io.StringIO()
    previous = handler.setStream(written)
    try:
        began = time.time()
        client.get("/healthz")
        client.get("/healthz")
        client.get("/login")
        ended = time.time()
    finally:
        handler.setStream(previous)
    found = by_window(written.getvalue(), {"now": (began - 1, ended + 1),
                                           "an hour before": (began - 3600, began - 3000)})  # fmt: skip
    assert set(found) == {"now"}  # a window without requests is left out
    endpoints = found["now"]["endpoints"]
    assert endpoints["healthz"]["count"] == 2 and endpoints["auth.login"]["count"] == 1
    assert 0 < endpoints["auth.login"]["p95"] <= endpoints["auth.login"]["max"]
    assert found["now"]["busy_s"] > 0


def test_lines_of_other_loggers_and_other_levels_are_not_requests():
    log = (
        "2026-12-01 03:30:38,778 INFO exam_app.sqlite request_id=- checkpoint frames=3 "
        "duration_ms=1.0\n"
        "2026-12-01 03:30:38,779 WARNING exam_app.request request_id=x method=GET path=/ "
        "endpoint=healthz status=200 duration_ms=2.0\n"
        "2026-12-01 03:30:38,780 INFO exam_app.request request_id=y method=GET path=/ "
        "endpoint=healthz status=200 duration_ms=3.5 user_id=-\n"
    )
    moment = time.mktime(time.strptime("2026-12-01 03:30:38", "%Y-%m-%d %H:%M:%S"))
    found = by_window(log, {"w": (moment, moment + 1)})
    assert found["w"]["endpoints"] == {"healthz": {"count": 1, "p50": 3.5, "p95": 3.5, "max": 3.5}}


def test_percentile_picks_from_an_ascending_list():
    values = [float(n) for n in range(1, 101)]
    assert percentile(values, 0.5) == 51.0
    assert percentile(values, 0.95) == 96.0
    assert percentile(values, 1.0) == 100.0  # never past the end
    assert percentile([7.0], 0.95) == 7.0
