"""Simulated candidates for bench/load_bench.py (which starts Locust with these settings).

Environment (set by load_bench.py):
  BENCH_PLAN      JSON file: paper id, password, usernames, a right and a wrong response
                  for every position of the paper
  BENCH_T0        epoch seconds at which the start window opens (exam mode)
  BENCH_START_WINDOW, BENCH_SAVE_SECONDS, BENCH_SUBMIT_WINDOW, BENCH_SAVE_EVERY  seconds
  BENCH_CANDIDATES  how many Candidate users the run has (exam mode)
  BENCH_STATE     JSON file written at the end: when the last candidate had started, how
                  many started and submitted
  BENCH_FIRST     index of the first candidate these users sign in as
  BENCH_RELOAD_SHARE  share of candidates who open 「我的考试」 and the 考试须知 at their
                  moment in the start window; the others wait in the 考试须知 (the
                  waiting room) from their sign-in and only press 开始作答 then
  BENCH_TIMELINE  JSON file written at the end: every request sent from a second before
                  the start window to BENCH_TIMELINE_AFTER s after it, as [sent, name, ms],
                  so the window can be read second by second (bench/timeline.py)

User classes (named on Locust's command line):
  Candidate      logs in, opens 「我的考试」 and the 考试须知 (or, one in RELOAD_SHARE, does
                 so only at its moment), waits for its moment in the start window, starts
                 (the exam page is the start's answer; after a redirect it is opened),
                 saves an answer every BENCH_SAVE_EVERY s, submits at its
                 moment in the submission window, then idles. From 开始作答 to the exam
                 page it reports as one "FLOW start to exam page [phase]": what the
                 person waits for
  BareProbe      a few requests a second to the bare view, named by phase: the latency
                 the machine gives a request that does no work, at the same moment
  SaveFlat       (throughput) logs in, starts, then saves back to back
  BareFlat       (throughput) calls the bare view back to back

Phases, by the time a request is sent (a start and its flow by the moment drawn for it):
"login" before T0; "start window" for
START_WINDOW s; "start backlog" after it while some candidates still wait for their start
(the server could not start them all in the window) and, if so, two save periods more
for the saves queued meanwhile; "steady" for SAVE_SECONDS after that; then "submit window", SUBMIT_WINDOW s in which every candidate submits while
the others still save. So steady saves are measured with everyone in, not behind a queue
of starts, and the run ends when the last candidate has submitted.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from pathlib import Path

import gevent
import gevent.event
from locust import FastHttpUser, constant, constant_throughput, events, task

PLAN = json.loads(Path(os.environ["BENCH_PLAN"]).read_text(encoding="utf-8"))
T0 = float(os.environ.get("BENCH_T0", "0"))
START_WINDOW = float(os.environ.get("BENCH_START_WINDOW", "10"))
SAVE_SECONDS = float(os.environ.get("BENCH_SAVE_SECONDS", "60"))
SUBMIT_WINDOW = float(os.environ.get("BENCH_SUBMIT_WINDOW", "30"))
SAVE_EVERY = float(os.environ.get("BENCH_SAVE_EVERY", "10"))
CANDIDATES = int(os.environ.get("BENCH_CANDIDATES", "0"))
RELOAD_SHARE = float(os.environ.get("BENCH_RELOAD_SHARE", "0.1"))
_next = itertools.count(int(os.environ.get("BENCH_FIRST", "0")))
# The form token is in every page's <head> (its first kilobyte): read there, in bytes, not by
# decoding the whole page (0.3 ms for the exam page's 100 KB, on the server's own cores).
_META = re.compile(rb'<meta name="csrf-token" content="([^"]+)"')
_HEAD = 4096
_SEQ = itertools.count(1)
TIMELINE_AFTER = float(os.environ.get("BENCH_TIMELINE_AFTER", "0"))
_timeline: list[tuple[float, str, float]] = []


class _Exam:
    """Shared by all candidates (one Locust process, greenlets): who has started, submitted."""

    started = 0
    submitted = 0
    all_started = gevent.event.Event()
    all_started_at: float | None = None

    @classmethod
    def one_started(cls) -> None:
        cls.started += 1
        if cls.started >= CANDIDATES and cls.all_started_at is None:
            cls.all_started_at = time.time()
            cls.all_started.set()

    @classmethod
    def steady_opens(cls) -> float:
        if cls.all_started_at is None:
            return float("inf")
        if cls.all_started_at <= T0 + START_WINDOW:
            return T0 + START_WINDOW
        # Started late: the saves queued meanwhile drain first (two save periods).
        return cls.all_started_at + 2 * SAVE_EVERY

    @classmethod
    def submit_opens(cls) -> float:
        return cls.steady_opens() + SAVE_SECONDS


def phase(now: float | None = None) -> str:
    now = time.time() if now is None else now
    if now < T0:
        return "login"
    if now < T0 + START_WINDOW:
        return "start window"
    if now < _Exam.steady_opens():
        return "start backlog"
    if now < _Exam.submit_opens():
        return "steady"
    return "submit window"


@events.request.add_listener
def _record(name, response_time, start_time=None, **_kw) -> None:
    # FLOW events carry no start_time: the person pressed 开始作答 response_time ago.
    sent = start_time if start_time is not None else time.time() - response_time / 1000
    if T0 - 1 <= sent < T0 + START_WINDOW + TIMELINE_AFTER:
        _timeline.append((round(sent, 3), name, round(response_time, 1)))


@events.quitting.add_listener
def _write_state(environment, **_kw) -> None:
    if timeline := os.environ.get("BENCH_TIMELINE"):
        Path(timeline).write_text(json.dumps(_timeline, ensure_ascii=False))
    if state := os.environ.get("BENCH_STATE"):
        Path(state).write_text(json.dumps({
            "candidates": CANDIDATES, "started": _Exam.started, "submitted": _Exam.submitted,
            "all_started_after_t0": None if _Exam.all_started_at is None
            else round(_Exam.all_started_at - T0, 1),
            "submit_opens_after_t0": None if _Exam.all_started_at is None
            else round(_Exam.submit_opens() - T0, 2),
        }))  # fmt: skip


def _token(page) -> str | None:
    match = _META.search(page.content or b"", 0, _HEAD) if page.status_code == 200 else None
    return match.group(1).decode("ascii") if match else None


class _Sitting(FastHttpUser):
    abstract = True

    def sign_in(self) -> None:
        self.username = PLAN["usernames"][next(_next)]
        token = _token(self.client.get("/login", name="login page"))
        if token is None:
            return  # recorded as a failed page; the start that follows fails too
        self.client.post(
            "/login",
            data={"csrf_token": token, "username": self.username, "password": PLAN["password"]},
            name="login",
            allow_redirects=False,
        )

    def open_notice(self) -> str | None:
        """「我的考试」, then the paper's 考试须知: the token its 开始作答 posts."""
        if _token(self.client.get("/exams/", name=f"my exams [{phase()}]")) is None:
            return None  # the page failed (recorded as such)
        notice = self.client.get(f"/exams/papers/{PLAN['paper_id']}/notice",
                                 name=f"notice [{phase()}]")  # fmt: skip
        return _token(notice)

    def begin(self, name: str, token: str | None = None, moment: float | None = None) -> bool:
        """开始作答; `moment`: when this person was due to press it (their phase)."""
        token = token or self.open_notice()
        if token is None:
            return False  # a page failed (recorded as such): this candidate gives up
        pressed = time.time()
        with self.client.post(
            f"/exams/papers/{PLAN['paper_id']}/start",
            data={"csrf_token": token},
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as r:
            # A prepared attempt: the exam page is the start's own response (its address in
            # Content-Location); otherwise a redirect to it.
            page = _token(r)
            where = r.headers.get("Content-Location" if page else "Location", "")
            if r.status_code not in (200, 302) or "/exams/attempts/" not in where:
                r.failure(f"start: {r.status_code} {where}")
                return False
        self.attempt = int(where.rstrip("/").rsplit("/", 1)[1])
        if page:
            self.token = page
            self._flow(pressed, moment)
            return True
        for _ in range(2):  # a page that timed out is loaded again, as a person would
            self.token = _token(self.client.get(f"/exams/attempts/{self.attempt}",
                                                name="attempt page"))  # fmt: skip
            if self.token is not None:
                self._flow(pressed, moment)
                return True
        return False

    def _flow(self, pressed: float, moment: float | None) -> None:
        """From 开始作答 to the exam page shown: what the person waits for."""
        self.environment.events.request.fire(
            request_type="FLOW", name=f"start to exam page [{phase(moment or pressed)}]",
            response_time=(time.time() - pressed) * 1000, response_length=0,
            exception=None, context={},
        )  # fmt: skip

    def save(self, name: str) -> None:
        position = random.randrange(len(PLAN["responses"])) + 1
        right, wrong = PLAN["responses"][position - 1]
        # A client's ms clock in the app; here a global counter does (always increasing).
        seq = int(time.time() * 1000) * 100 + next(_SEQ) % 100
        with self.client.post(
            f"/exams/attempts/{self.attempt}/answers",
            json={"position": position, "response": random.choice((right, wrong)), "seq": seq},
            headers={"X-CSRFToken": self.token, "Accept": "application/json"},
            name=name,
            catch_response=True,
        ) as r:
            if r.status_code != 200 or not r.json().get("ok"):
                r.failure(f"save: {r.status_code} {r.text[:120]}")

    def submit(self, name: str) -> None:
        with self.client.post(
            f"/exams/attempts/{self.attempt}/submit",
            data={"csrf_token": self.token},
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as r:
            if r.status_code != 302 or "/result" not in r.headers.get("Location", ""):
                r.failure(f"submit: {r.status_code}")
                return
        # As the browser does after 交卷: the redirect to the result page (score, verdict
        # and sections at once when the paper releases at once; the items one click away).
        phase_name = name.replace("submit", "result page", 1)
        with self.client.get(
            f"/exams/attempts/{self.attempt}/result", name=phase_name, catch_response=True
        ) as r:
            if r.status_code != 200 or "总分" not in r.text:
                r.failure(f"result page: {r.status_code}")


class Candidate(_Sitting):
    wait_time = constant(0)

    def on_start(self) -> None:
        self.sign_in()

    @task
    def sit(self) -> None:
        if getattr(self, "sat", False):  # Locust reruns a task that raised: sit only once
            gevent.sleep(10**6)
        self.sat = True
        start_at = T0 + random.uniform(0, START_WINDOW)
        # Most wait in the 考试须知 from their sign-in (its 开始作答 wakes at the opening);
        # the rest open 「我的考试」 and the notice only at their moment.
        token = self.open_notice() if random.random() >= RELOAD_SHARE else None
        gevent.sleep(max(0.0, start_at - time.time()))
        # Named by the moment drawn, not by when the request left: one drawn in the window's
        # last milliseconds (after 「我的考试」 and the notice, for those who reload) is still
        # the window's, not a start the server let slip past it.
        started = self.begin(f"start [{phase(start_at)}]", token, start_at)
        _Exam.one_started()  # a failed start counts too: the run goes on without it
        if not started:
            gevent.sleep(10**6)
        next_save = time.time() + random.uniform(0, SAVE_EVERY)
        submit_at = None
        while True:
            if submit_at is None and _Exam.all_started.is_set():
                submit_at = _Exam.submit_opens() + random.uniform(0, SUBMIT_WINDOW)
            if submit_at is not None and next_save >= submit_at:
                gevent.sleep(max(0.0, submit_at - time.time()))
                self.submit(f"submit [{phase()}]")
                _Exam.submitted += 1
                if _Exam.submitted >= CANDIDATES:
                    gevent.spawn_later(1, self.environment.runner.quit)  # the last one: done
                gevent.sleep(10**6)  # submitted: this candidate is done
            gevent.sleep(max(0.0, next_save - time.time()))
            self.save(f"save [{phase()}]")
            # As the page does: one save at a time, and a late one is not made up for by a
            # burst (the next goes when the answer changes again, not all missed ones at once).
            next_save = max(next_save + SAVE_EVERY, time.time() + SAVE_EVERY / 2)


class BareProbe(FastHttpUser):
    fixed_count = int(os.environ.get("BENCH_PROBES", "4"))
    wait_time = constant_throughput(2)

    @task
    def bare(self) -> None:
        self.client.get("/bench/bare", name=f"bare [{phase()}]")


class SaveFlat(_Sitting):
    wait_time = constant(0)

    def on_start(self) -> None:
        self.sign_in()
        self.begin("start [throughput]")

    @task
    def saving(self) -> None:
        self.save("save [throughput]")


class BareFlat(FastHttpUser):
    wait_time = constant(0)

    @task
    def bare(self) -> None:
        self.client.get("/bench/bare", name="bare [throughput]")
