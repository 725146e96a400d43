"""Who used the machine's cores during a phase of the load bench: the app's workers, Locust,
PostgreSQL, everything else, and the time the hypervisor gave to other guests (steal).

With the load generator on the same cores as the server, a window's latency can be the
machine's, not the app's: this says which, in cores (2.0 = both cores busy all along).
Sampled from /proc every half second; a process's CPU time is utime + stime.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

_TICK = os.sysconf("SC_CLK_TCK")


def _process_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICK  # utime, stime


def _machine() -> tuple[float, float, float]:
    """(busy, steal, total) seconds of all cores since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = (values + [0] * 8)[:8]
    total = sum(values[:8])
    return (user + nice + system + irq + softirq) / _TICK, steal / _TICK, total / _TICK


class CpuSampler(threading.Thread):
    """Cumulative CPU seconds per group, every half second, until `stopped` is set."""

    def __init__(self, workers):
        super().__init__(daemon=True)
        self.workers = workers  # a callable: the server's worker processes now
        self.samples: list[dict] = []
        self.stopped = threading.Event()
        self.seen: dict[int, tuple[str, float]] = {}  # pid -> (group, last cpu seconds)

    def _groups(self) -> dict[str, float]:
        import psutil  # bench/requirements.lock; the window arithmetic below needs none

        workers = {p.pid for p in self.workers()}
        for proc in psutil.process_iter(["pid", "name", "cmdline"]):
            pid, name = proc.info["pid"], proc.info["name"] or ""
            cmd = " ".join(proc.info["cmdline"] or [])
            if pid in workers:
                group = "workers"
            elif "locust" in cmd:
                group = "Locust"
            elif name.startswith("postgres"):
                group = "PostgreSQL"
            else:
                continue
            self.seen[pid] = (group, _process_seconds(pid) or self.seen.get(pid, ("", 0.0))[1])
        out = {"workers": 0.0, "Locust": 0.0, "PostgreSQL": 0.0}
        for group, seconds in self.seen.values():  # ended processes keep their last count
            out[group] += seconds
        return out

    def run(self) -> None:
        while not self.stopped.wait(0.5):
            busy, steal, total = _machine()
            self.samples.append({"t": time.time(), "busy": busy, "steal": steal,
                                 "total": total, **self._groups()})  # fmt: skip

    def share(self, start: float, end: float) -> dict | None:
        """Cores each group used on average between two moments (epoch seconds)."""
        inside = [s for s in self.samples if start <= s["t"] <= end]
        if len(inside) < 2:
            return None
        a, b = inside[0], inside[-1]
        wall = b["t"] - a["t"]
        cores = (b["total"] - a["total"]) / wall  # what the machine had, in cores
        out = {k: round((b[k] - a[k]) / wall, 2) for k in ("workers", "Locust", "PostgreSQL")}
        busy = (b["busy"] - a["busy"]) / wall
        out["others"] = round(max(0.0, busy - sum(out.values())), 2)
        out["steal"] = round((b["steal"] - a["steal"]) / wall, 2)
        out["idle"] = round(max(0.0, cores - busy - out["steal"]), 2)
        out["seconds"] = round(wall, 1)
        return out
