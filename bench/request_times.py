"""Each window's requests as the app's own request log timed them (exam_app/web/
request_log.py: from Flask's first hook to its last). Locust's figures for the same
requests also hold the wait for a worker and the load generator's own delays on shared
cores; these do not, so the two side by side say where a window's latency went.
"""

from __future__ import annotations

import re
import time

# A line of the request log: when it ended (local time, ms), the endpoint, how long.
_LOGGED = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),(\d{3}) INFO exam_app\.request .*?"
                     r"endpoint=(\S+) status=\d+ duration_ms=([\d.]+)")  # fmt: skip


def percentile(ordered: list[float], q: float) -> float:
    """The value at fraction q of an ascending list (q=0.5: the median's upper neighbour)."""
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def logged(server_log: str) -> list[tuple[float, str, float]]:
    """(epoch seconds when it ended, endpoint, duration in ms) for each request line."""
    found = []
    for line in server_log.splitlines():
        if m := _LOGGED.match(line):
            ended = time.mktime(time.strptime(m.group(1), "%Y-%m-%d %H:%M:%S"))
            found.append((ended + int(m.group(2)) / 1000, m.group(3), float(m.group(4))))
    return found


def by_window(server_log: str, phases: dict[str, tuple[float, float]]) -> dict:
    """Per window (name: (start, end) epoch seconds) with requests in it: its length, the
    app's time summed over its requests, and each endpoint's count, p50, p95 and max."""
    found = logged(server_log)
    out = {}
    for name, (a, b) in phases.items():
        per: dict[str, list[float]] = {}
        for ended, endpoint, duration in found:
            if a <= ended < b:
                per.setdefault(endpoint, []).append(duration)
        if not per:
            continue
        busy = sum(sum(v) for v in per.values()) / 1000
        endpoints = {}
        for endpoint, values in per.items():
            values.sort()
            endpoints[endpoint] = {"count": len(values), "p50": percentile(values, 0.5),
                                   "p95": percentile(values, 0.95), "max": values[-1]}  # fmt: skip
        out[name] = {"seconds": round(b - a, 1), "busy_s": round(busy, 2), "endpoints": endpoints}
    return out
