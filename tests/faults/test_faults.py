"""Faults with real processes and real HTTP: the server killed mid-save, PostgreSQL restarted
mid-exam, two tabs saving and submitting at once. No acknowledged answer may be lost and
nothing may be graded twice. Every loop is bounded; ports come from the OS."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from exam_app.extensions import db
from exam_app.models import Attempt, AttemptItem, Role, ScoreEvent
from tests.conftest import _prepare
from tests.databases import PostgresServer, postgres_bin
from tests.factories import loop_paper, person
from tests.faults.server import Candidate, LiveServer
from tests.helpers import PASSWORD

pytestmark = pytest.mark.faults


def _fresh_items(attempt_id: int) -> dict[int, AttemptItem]:
    db.session.remove()  # read what the server processes committed, not a cached row
    rows = db.session.scalars(select(AttemptItem).where(AttemptItem.attempt_id == attempt_id))
    return {i.position: i for i in rows}


def _essay_positions(attempt_id: int) -> list[int]:
    return [p for p, i in sorted(_fresh_items(attempt_id).items()) if i.kind == "essay"]


def _assert_acknowledged_kept(attempt_id: int, acked: dict[int, tuple[int, str]]) -> None:
    """Every position keeps its highest acknowledged save, or a newer one sent just after."""
    items = _fresh_items(attempt_id)
    for position, (seq, text) in acked.items():
        item = items[position]
        assert item.save_seq >= seq, f"第 {position} 题：确认过的第 {seq} 次保存丢失"
        if item.save_seq == seq:
            assert item.response == text


def _sitting(app, tmp_path: Path, database_url: str, username: str):
    lead = person(f"{username}-lead", Role.LEAD)
    paper = loop_paper(lead)
    person(username)
    db.session.commit()
    paper_id = paper.id
    db.session.remove()
    server = LiveServer(database_url, tmp_path).start()
    tab = Candidate(server).login(username, PASSWORD)
    tab.start(paper_id)
    return server, tab


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_kill_9_mid_save_loses_no_acknowledged_answer(app, database_url, tmp_path):
    server, tab = _sitting(app, tmp_path, database_url, "kill9")
    positions = _essay_positions(tab.attempt_id)
    acked: dict[int, tuple[int, str]] = {}
    sent = threading.Event()
    stop = threading.Event()

    def keep_saving():
        for seq in range(1, 5001):  # bounded: the kill comes long before
            if stop.is_set():
                return
            position = positions[seq % len(positions)]
            text = f"第 {seq} 次保存"
            try:
                r = tab.save(position, text, seq, timeout=5)
            except requests.RequestException:
                return  # the server is gone: this save was never acknowledged
            if r.status_code == 200 and r.json()["saved"]:
                acked[position] = (seq, text)
                if seq >= 40:
                    sent.set()

    saver = threading.Thread(target=keep_saving, daemon=True)
    saver.start()
    try:
        assert sent.wait(60), "40 saves were not acknowledged within 60 s"
        server.kill()  # mid-stream: saves are in flight
        stop.set()
        saver.join(15)
        assert not saver.is_alive()
        assert len(acked) == len(positions)
        _assert_acknowledged_kept(tab.attempt_id, acked)

        server = LiveServer(database_url, tmp_path).start()
        tab.server = server  # the same browser, the same signed session cookie
        top = max(seq for seq, _ in acked.values())
        after = tab.save(positions[0], "重启后的答案", top + 1000)
        assert after.status_code == 200 and after.json()["saved"], after.text
        acked[positions[0]] = (top + 1000, "重启后的答案")
        _assert_acknowledged_kept(tab.attempt_id, acked)
    finally:
        stop.set()
        server.stop()


@pytest.mark.skipif(postgres_bin() is None, reason="未安装 PostgreSQL")
def test_postgresql_restart_mid_exam_keeps_answers_and_saving_resumes(tmp_path, app_factory):
    # Its own cluster: restarting the shared one would reset every other test's connections.
    pg = PostgresServer()
    pg.start()
    server = None
    try:
        url = pg.url(pg.create_database())
        _prepare(url)
        app = app_factory(url)
        with app.app_context():
            server, tab = _sitting(app, tmp_path, url, "pgrestart")
            positions = _essay_positions(tab.attempt_id)
            acked: dict[int, tuple[int, str]] = {}
            for seq in range(1, 21):  # both workers' pools get connections before the restart
                position, text = positions[seq % len(positions)], f"重启前 {seq}"
                r = tab.save(position, text, seq)
                assert r.status_code == 200 and r.json()["saved"], r.text
                acked[position] = (seq, text)
            db.session.remove()  # no connection of ours open in a transaction across it

            pg._run("pg_ctl", "-D", str(pg.data), "-l", str(pg.dir / "server.log"),
                    "-m", "fast", "-w", "-t", "60", "restart")  # fmt: skip

            # A connection the server closed is replaced before use (postgres_trips.py), so
            # every save after the restart succeeds, in either worker.
            for seq in range(21, 61):
                position, text = positions[seq % len(positions)], f"重启后 {seq}"
                r = tab.save(position, text, seq)
                assert r.status_code == 200 and r.json()["saved"], (
                    seq,
                    r.status_code,
                    r.text[:300],
                )
                acked[position] = (seq, text)
            _assert_acknowledged_kept(tab.attempt_id, acked)
            db.session.remove()
    finally:
        if server is not None:
            server.stop()
        pg.stop()


def test_two_tabs_saving_at_once_keep_the_newest_and_submit_grades_once(
    app, database_url, tmp_path
):
    server, first = _sitting(app, tmp_path, database_url, "twotabs")
    second = first.tab()
    position = _essay_positions(first.attempt_id)[0]
    objective = [p for p, i in _fresh_items(first.attempt_id).items() if i.kind != "essay"]
    statuses: list[int] = []
    barrier = threading.Barrier(2, timeout=30)

    def saves(tab: Candidate, parity: int):
        barrier.wait()
        for n in range(30):  # seqs interleave: tab A sends 1, 3, 5 …, tab B 2, 4, 6 …
            seq = 2 * n + parity
            statuses.append(tab.save(position, f"seq {seq}", seq).status_code)

    try:
        threads = [
            threading.Thread(target=saves, args=(t, p)) for t, p in ((first, 1), (second, 2))
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert statuses == [200] * 60
        item = _fresh_items(first.attempt_id)[position]
        assert (item.save_seq, item.response) == (60, "seq 60")
        stale = first.save(position, "过时的保存", 59)
        assert stale.status_code == 200 and stale.json()["saved"] is False
        assert _fresh_items(first.attempt_id)[position].response == "seq 60"

        submits: list[requests.Response] = []

        def submit(tab: Candidate):
            barrier.wait()
            submits.append(tab.submit())

        threads = [threading.Thread(target=submit, args=(t,)) for t in (first, second)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert [r.status_code for r in submits] == [302, 302]
        assert all("/result" in r.headers["Location"] for r in submits)

        db.session.remove()
        attempt = db.session.get(Attempt, first.attempt_id)
        assert attempt.status != "in_progress" and attempt.submitted_at is not None
        events = dict(
            db.session.execute(
                select(ScoreEvent.attempt_item_id, func.count())
                .join(AttemptItem, AttemptItem.id == ScoreEvent.attempt_item_id)
                .where(AttemptItem.attempt_id == attempt.id)
                .group_by(ScoreEvent.attempt_item_id)
            ).all()
        )
        items = _fresh_items(attempt.id)
        assert all(events.get(items[p].id) == 1 for p in objective), events
        assert max(events.values()) == 1  # graded once, never twice
    finally:
        server.stop()
