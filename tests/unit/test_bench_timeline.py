"""bench/timeline.py puts the start window's requests, the app's time and the samplers'
readings side by side, one row per second."""

import time

from bench.cpu_share import CpuSampler
from bench.timeline import AcceptQueue, by_second
from bench.worker_waits import KINDS, WaitSampler

T0 = time.mktime(time.strptime("2026-12-01 09:00:00", "%Y-%m-%d %H:%M:%S"))


def _log_line(moment: float, endpoint: str, ms: float) -> str:
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(moment))
    return (f"{stamp},{int(moment * 1000) % 1000:03d} INFO exam_app.request request_id=x "
            f"method=POST path=/ endpoint={endpoint} status=200 duration_ms={ms}")  # fmt: skip


def test_each_second_counts_what_was_sent_in_it_and_when_starts_were_served():
    sent = [
        [T0 + 0.1, "start [start window]", 300.0],  # served in second 0
        [T0 + 0.2, "start to exam page [start window]", 300.0],
        [T0 + 0.5, "start [start window]", 1200.0],  # sent in second 0, served in second 1
        [T0 + 0.6, "start to exam page [start window]", 1200.0],
        [T0 + 0.7, "bare [start window]", 900.0],
        [T0 + 1.1, "save [start window]", 5.0],
        [T0 - 0.5, "my exams [login]", 3.0],
    ]
    log = "\n".join([_log_line(T0 + 0.4, "exams.start", 500.0),
                     _log_line(T0 + 0.9, "exams.start", 700.0),
                     _log_line(T0 + 1.5, "exams.save", 20.0)])  # fmt: skip
    cpu, waits = CpuSampler(lambda: []), WaitSampler(lambda: [])
    cpu.samples = [{"t": T0 + n / 2, "busy": n * 0.9, "steal": 0.0, "total": n * 1.0,
                    "workers": n * 0.5, "Locust": n * 0.2, "PostgreSQL": 0.0}
                   for n in range(-4, 8)]  # fmt: skip
    waits.by_second = {int(T0): {KINDS[0]: 3, KINDS[1]: 1}}
    queue = AcceptQueue(0, T0, T0 + 2)
    queue.samples = [(T0 + 0.3, 12), (T0 + 0.8, 40), (T0 + 1.2, 0)]

    rows = by_second(T0, 2, sent, log, cpu, waits, queue)

    assert [r["second"] for r in rows] == [-1, 0, 1]
    before, first, second = rows
    assert (before["starts_sent"], before["others_sent"], before["starts_done"]) == (0, 1, 0)
    assert (first["starts_sent"], first["starts_done"], second["starts_done"]) == (2, 1, 1)
    assert first["others_sent"] == 1 and second["others_sent"] == 1  # the probe; the save
    assert first["flow_p50"] == 1200.0 and first["flow_p95"] == 1200.0
    assert first["bare_max"] == 900.0 and second["bare_max"] is None
    assert first["app_s"] == 1.2 and second["app_s"] == 0.02
    # Half-second samples of two cores: the workers used one, Locust 0.4, 0.2 was idle.
    assert (first["workers"], first["locust"], first["idle"]) == (1.0, 0.4, 0.2)
    assert first["waiting_pct"] == 25.0 and second["waiting_pct"] is None
    assert (first["accept_queue"], second["accept_queue"]) == (40, 0)


def test_without_a_listen_queue_sampler_the_column_stays_empty():
    rows = by_second(T0, 1, [], "", CpuSampler(lambda: []), WaitSampler(lambda: []))
    assert [r["accept_queue"] for r in rows] == [None, None]
    assert all(r["workers"] is None and r["flow_p95"] is None for r in rows)
