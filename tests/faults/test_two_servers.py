"""Two app servers, one PostgreSQL, nginx in front (deploy/exam-proxy.conf): what a company
that outgrew one machine runs. nginx round-robins, so consecutive requests land on
alternate gunicorn instances; every answer names its server (X-Upstream) and the test checks
both really served each step. Ports 5840 (nginx), 5841 and 5842 (gunicorn)."""

from __future__ import annotations

import threading

import pytest
import requests
from sqlalchemy import func, select

from exam_app.extensions import db
from exam_app.models import Attempt, AttemptItem, Role, ScoreEvent
from tests.factories import loop_paper, person
from tests.faults.nginx import NginxProxy, nginx_bin
from tests.faults.server import Candidate, LiveServer
from tests.faults.test_faults import _assert_acknowledged_kept, _essay_positions, _fresh_items
from tests.helpers import PASSWORD

pytestmark = [
    pytest.mark.faults,
    pytest.mark.skipif(nginx_bin() is None, reason="未安装 nginx（运行 make test 会安装）"),
]

PROXY_PORT, PORTS = 5840, (5841, 5842)


def _server(r: requests.Response) -> str:
    """Which app server answered: nginx's $upstream_addr, e.g. 127.0.0.1:5841."""
    return r.headers["X-Upstream"]


@pytest.fixture
def cluster(app, database_url, tmp_path):
    servers, proxy = [], None
    try:
        for port in PORTS:
            (tmp_path / str(port)).mkdir()
            servers.append(
                LiveServer(
                    database_url, tmp_path / str(port), port=port, env={"TRUST_PROXY": "1"}
                ).start()  # fmt: skip
            )
        proxy = NginxProxy(PROXY_PORT, list(PORTS)).start()
        yield proxy
    finally:
        if proxy is not None:
            proxy.stop()
        for server in servers:
            server.stop()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_servers_behind_nginx_share_sessions_throttling_and_grade_once(cluster):
    lead = person("duo-lead", Role.LEAD)
    paper = loop_paper(lead)
    person("duo")
    person("victim")
    db.session.commit()
    paper_id = paper.id
    db.session.remove()

    # Sign in (on one server), start, then saves served by both.
    tab = Candidate(cluster).login("duo", PASSWORD)
    tab.start(paper_id)
    positions = _essay_positions(tab.attempt_id)
    acked: dict[int, tuple[int, str]] = {}
    served: set[str] = set()
    for seq in range(1, 13):
        position, text = positions[seq % len(positions)], f"第 {seq} 次保存"
        r = tab.save(position, text, seq)
        assert r.status_code == 200 and r.json()["saved"], r.text[:300]
        acked[position] = (seq, text)
        served.add(_server(r))
    assert served == {f"127.0.0.1:{p}" for p in PORTS}, served
    _assert_acknowledged_kept(tab.attempt_id, acked)

    # Throttling counts across both servers, by the client's address as nginx saw it: a
    # forged X-Forwarded-For (documentation range) does not make each failure a new address.
    guesser = Candidate(cluster)
    # One form, posted again and again (its token lasts as long as the session), so the
    # posts alone alternate between the servers.
    token = guesser._token_from(guesser.http.get(guesser.url("/login"), timeout=10))
    failed_on: set[str] = set()
    for n in range(5):
        r = guesser.http.post(
            guesser.url("/login"),
            data={"csrf_token": token, "username": "victim", "password": f"guess-{n}"},
            headers={"X-Forwarded-For": f"203.0.113.{n + 1}"},
            timeout=10,
        )
        assert r.status_code == 200 and "用户名或密码错误" in r.text, r.text[:300]
        failed_on.add(_server(r))
    assert len(failed_on) == 2, failed_on  # the five failures were split over both
    refused_on: set[str] = set()
    for _ in range(2):  # refused on either server, even with the right password
        r = guesser.http.post(
            guesser.url("/login"),
            data={"csrf_token": token, "username": "victim", "password": PASSWORD},
            timeout=10,
            allow_redirects=False,
        )
        assert r.status_code == 429 and "登录失败次数过多" in r.text, (_server(r), r.text[:300])
        refused_on.add(_server(r))
    assert len(refused_on) == 2, refused_on

    # Two tabs press 交卷 at once: nginx hands them to the two servers; graded once.
    second = tab.tab()
    barrier = threading.Barrier(2, timeout=30)
    submits: list[requests.Response] = []

    def submit(t: Candidate):
        barrier.wait()
        submits.append(t.submit())

    threads = [threading.Thread(target=submit, args=(t,)) for t in (tab, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert [r.status_code for r in submits] == [302, 302], [r.text[:200] for r in submits]
    assert {_server(r) for r in submits} == {f"127.0.0.1:{p}" for p in PORTS}
    db.session.remove()
    attempt = db.session.get(Attempt, tab.attempt_id)
    assert attempt.status != "in_progress"
    per_item = db.session.execute(
        select(ScoreEvent.attempt_item_id, func.count())
        .join(AttemptItem, AttemptItem.id == ScoreEvent.attempt_item_id)
        .where(AttemptItem.attempt_id == attempt.id)
        .group_by(ScoreEvent.attempt_item_id)
    ).all()
    assert per_item and max(count for _, count in per_item) == 1, per_item
    _assert_acknowledged_kept(tab.attempt_id, acked)
    assert len(_fresh_items(tab.attempt_id)) >= len(positions)

    # A copy of the cookie works on both servers until sign-out on one ends it on both.
    copied = requests.Session()
    copied.cookies.update(tab.http.cookies)
    seen = {_server(r) for r in (copied.get(cluster.base + "/exams/", timeout=10) for _ in "ab")}
    assert len(seen) == 2
    page = tab.http.get(cluster.base + "/exams/", timeout=10)
    assert page.status_code == 200
    token = tab._token_from(page)
    out = tab.http.post(cluster.base + "/logout", data={"csrf_token": token}, timeout=10,
                        allow_redirects=False)  # fmt: skip
    assert out.status_code == 302
    after = [
        copied.get(cluster.base + "/exams/", timeout=10, allow_redirects=False) for _ in "abcd"
    ]
    assert {_server(r) for r in after} == {f"127.0.0.1:{p}" for p in PORTS}
    assert all(r.status_code == 302 and "/login" in r.headers["Location"] for r in after), [
        (r.status_code, _server(r)) for r in after
    ]
