"""The cost phase of bench/load_bench.py: one candidate after another, alone on the server.

Each request's latency with nothing else running is its cost. They are timed here, not by
Locust (whose percentiles are whole milliseconds, too coarse for a bare request of about
one), over one kept-alive HTTP connection with the standard library's client, so the
client adds as little as possible and the same to every request. The bare view is timed
in the same loop: each cost is reported as a multiple of it.
"""

from __future__ import annotations

import http.client
import json
import random
import re
import statistics
import time
from urllib.parse import urlencode

_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


class _Client:
    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie = ""
        self.times: dict[str, list[float]] = {}

    def request(self, name: str, method: str, path: str, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookie:
            headers["Cookie"] = self.cookie
        started = time.perf_counter()
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        self.times.setdefault(name, []).append((time.perf_counter() - started) * 1000)
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith("session="):
                self.cookie = value.split(";", 1)[0]
        return response, data.decode("utf-8", "replace")

    def form(self, name: str, path: str, fields: dict):
        body = urlencode(fields)
        return self.request(name, "POST", path, body,
                            {"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip


def run(port: int, plan: dict, first: int, seconds: float) -> dict:
    """Sittings one after another for `seconds`; p50/p95 per request, and its multiple of bare."""
    client = _Client(port)
    deadline = time.time() + seconds
    index, sittings = first, 0
    responses = plan["responses"]
    while time.time() < deadline and index < len(plan["usernames"]):
        client.cookie = ""
        _r, page = client.request("login page", "GET", "/login")
        token = _META.search(page).group(1)
        client.form("login", "/login", {"csrf_token": token, "username": plan["usernames"][index],
                                        "password": plan["password"]})  # fmt: skip
        index += 1
        for _ in range(5):
            client.request("bare", "GET", "/bench/bare")
        client.request("my exams", "GET", "/exams/")
        _r, page = client.request("notice", "GET", f"/exams/papers/{plan['paper_id']}/notice")
        token = _META.search(page).group(1)  # 开始作答 is the notice's form
        r, _ = client.form(
            "start", f"/exams/papers/{plan['paper_id']}/start", {"csrf_token": token}
        )
        # The exam page in the start's own response (a prepared attempt), else a redirect
        # to it; the page is then read again as a reload reads it, to time it alone.
        where = r.getheader("Content-Location") or r.getheader("Location")
        attempt = int(where.rstrip("/").rsplit("/", 1)[1])
        _r, page = client.request("attempt page", "GET", f"/exams/attempts/{attempt}")
        token = _META.search(page).group(1)
        for n in range(10):
            position = random.randrange(len(responses)) + 1
            body = json.dumps({"position": position, "seq": n + 1,
                               "response": random.choice(responses[position - 1])})  # fmt: skip
            r, text = client.request("save", "POST", f"/exams/attempts/{attempt}/answers", body,
                                     {"Content-Type": "application/json", "X-CSRFToken": token})  # fmt: skip
            assert r.status == 200, text[:200]
        r, _ = client.form("submit", f"/exams/attempts/{attempt}/submit", {"csrf_token": token})
        assert r.status == 302
        r, page = client.request("result page", "GET", f"/exams/attempts/{attempt}/result")
        assert r.status == 200 and "总分" in page, page[:200]
        # One click further (not at the rush: each in their own time): the 100 items.
        r, page = client.request("result items", "GET", f"/exams/attempts/{attempt}/result/items")
        assert r.status == 200 and "正确答案" in page, page[:200]
        sittings += 1
    bare = statistics.median(client.times["bare"][5:] or client.times["bare"])
    out = {"sittings": sittings, "bare_p50_ms": round(bare, 3), "requests": {}}
    for name, values in client.times.items():
        values = sorted(values[1:] if len(values) > 2 else values)  # the first: warm-up
        p50 = statistics.median(values)
        out["requests"][name] = {
            "count": len(values),
            "p50_ms": round(p50, 3),
            "p95_ms": round(values[int(len(values) * 0.95) - 1 if len(values) > 1 else 0], 3),
            "x_bare": round(p50 / bare, 2),
        }
    return out
