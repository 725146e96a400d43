"""The start window second by second: what arrived, what was served, who had the cores.

A window's p95 alone cannot say whether the last starts waited behind a queue that grew
all along (the server short of capacity) or behind a stall (everything stopped for a
moment). Side by side per second, the starts Locust sent, how long those took, the app's
own time (its request log), the workers' state and the cores' use say which.
"""

from __future__ import annotations

import subprocess
import threading
import time

from bench.request_times import logged, percentile

AFTER = 15  # seconds past the window that Locust records (it reads BENCH_TIMELINE_AFTER)


class AcceptQueue(threading.Thread):
    """How many connections wait in the server's listen queue for a worker to accept them,
    every 0.25 s (`ss`: a listening socket's Recv-Q; every 0.1 s it took 0.1 core). Hundreds
    there while latencies grow: requests wait for a worker. Near none while they grow: they
    wait in the load generator (its own delays on the shared cores), or a worker waits for
    the request's bytes."""

    def __init__(self, port: int, start: float, end: float):
        super().__init__(daemon=True)
        self.port, self.start_at, self.end_at = port, start, end  # sampled only in between
        self.samples: list[tuple[float, int]] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        command = ["ss", "-ltnH", f"sport = :{self.port}"]
        while not self.stopped.wait(0.25):
            if not self.start_at <= time.time() < self.end_at:
                continue  # a process a quarter second costs a little: only around the window
            try:
                out = subprocess.run(command, capture_output=True, text=True, timeout=2).stdout
            except (OSError, subprocess.TimeoutExpired):
                return  # no ss here: the column stays empty
            fields = out.split()
            if len(fields) > 1 and fields[1].isdigit():
                self.samples.append((time.time(), int(fields[1])))

    def most(self, start: float, end: float) -> int | None:
        inside = [n for t, n in self.samples if start <= t < end]
        return max(inside) if inside else None


def _p(values: list[float], q: float) -> float | None:
    return percentile(sorted(values), q) if values else None


def by_second(t0: float, seconds: int, sent: list, server_log: str, cpu, waits,
              queue: AcceptQueue | None = None) -> list[dict]:  # fmt: skip
    """One row per second from one before t0: `sent` is Locust's [sent at, name, ms]."""
    ended = logged(server_log)
    done = [at + ms / 1000 for at, name, ms in sent if name.startswith("start [")]
    rows = []
    for n in range(-1, seconds):
        a, b = t0 + n, t0 + n + 1
        here = [(name, ms) for at, name, ms in sent if a <= at < b]
        flows = [ms for name, ms in here if name.startswith("start to exam page")]
        starts = [name for name, _ in here if name.startswith("start [")]
        bare = [ms for name, ms in here if name.startswith("bare")]
        app = sum(ms for at, _endpoint, ms in ended if a <= at < b) / 1000
        cores = cpu.share(a - 0.25, b + 0.25) or {}  # half-second samples: take three
        state = waits.share(a, b) or {}
        rows.append({
            "second": n, "starts_sent": len(starts), "others_sent": len(here) - len(starts) - len(flows),
            "starts_done": sum(1 for at in done if a <= at < b),
            "flow_p50": _p(flows, 0.5), "flow_p95": _p(flows, 0.95), "bare_max": max(bare, default=None),
            "app_s": round(app, 2), "workers": cores.get("workers"), "locust": cores.get("Locust"),
            "postgresql": cores.get("PostgreSQL"), "idle": cores.get("idle"),
            "waiting_pct": state.get("waiting for a request"),
            "accept_queue": queue.most(a, b) if queue is not None else None,
        })  # fmt: skip
    return rows
