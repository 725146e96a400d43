"""Faults of an exam day against real gunicorn processes (tests/faults/server.py): the network
cut during 交卷, kill -9 mid-submission, a worker timeout, the database locked past its busy
timeout, the disk full, a restart across the deadline, a client clock hours off, a second
machine, content reloaded and a backup restored while exams run.

Each test counts the answers the server acknowledged (HTTP 200 and "saved") before and
after the fault and checks every one is still stored (0 lost), that nothing unacknowledged
was reported saved, and that a submission is graded once. Every loop is bounded.
"""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
import requests
from sqlalchemy import func, select, update

from exam_app.extensions import db
from exam_app.models import Attempt, AttemptItem, Question, Role, ScoreEvent
from exam_app.models.base import utcnow
from tests.factories import first_of_kind, loop_paper, person
from tests.faults.server import Candidate, LiveServer
from tests.faults.test_faults import _essay_positions, _fresh_items
from tests.helpers import PASSWORD

pytestmark = pytest.mark.faults
ROOT = Path(__file__).resolve().parents[2]

Acked = dict[int, tuple[int, str]]


def _sit(tmp_path: Path, database_url: str, username: str, **server_options):
    lead = person(f"{username}-lead", Role.LEAD)
    paper = loop_paper(lead)
    person(username)
    db.session.commit()
    paper_id = paper.id
    db.session.remove()
    server = LiveServer(database_url, tmp_path, **server_options).start()
    tab = Candidate(server).login(username, PASSWORD)
    tab.start(paper_id)
    return server, tab, paper_id


def _save_all(tab: Candidate, positions: list[int], acked: Acked, first_seq: int, label: str):
    """One acknowledged save per position; returns the next seq."""
    seq = first_seq
    for position in positions:
        text = f"{label} 第 {position} 题"
        r = tab.save(position, text, seq)
        assert r.status_code == 200 and r.json()["saved"], r.text[:300]
        acked[position] = (seq, text)
        seq += 1
    return seq


def _lost(attempt_id: int, acked: Acked) -> int:
    """How many acknowledged answers are not stored (the save_seq fell below the ack)."""
    items = _fresh_items(attempt_id)
    return sum(
        1
        for position, (seq, text) in acked.items()
        if items[position].save_seq < seq
        or (items[position].save_seq == seq and items[position].response != text)
    )


def _score_events(attempt_id: int) -> dict[int, int]:
    db.session.remove()
    return dict(
        db.session.execute(
            select(ScoreEvent.attempt_item_id, func.count())
            .join(AttemptItem, AttemptItem.id == ScoreEvent.attempt_item_id)
            .where(AttemptItem.attempt_id == attempt_id)
            .group_by(ScoreEvent.attempt_item_id)
        ).all()
    )


def _assert_graded_once(attempt_id: int) -> None:
    db.session.remove()
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt.status != "in_progress" and attempt.submitted_at is not None
    events = _score_events(attempt_id)
    objective = [i for i in _fresh_items(attempt_id).values() if i.kind != "essay"]
    assert all(events.get(i.id) == 1 for i in objective), events
    assert max(events.values()) == 1, events


def _sqlite_path(database_url: str) -> str:
    return database_url.removeprefix("sqlite:///")


class _WriteLock:
    """Another process's write transaction on the SQLite file (BEGIN IMMEDIATE), held until
    released: what a long backup tool, a stuck script or a migration does to the app."""

    def __init__(self, database_url: str):
        self.conn = sqlite3.connect(_sqlite_path(database_url), isolation_level=None, timeout=10)

    def __enter__(self):
        self.conn.execute("BEGIN IMMEDIATE")
        return self

    def release(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def __exit__(self, *exc):
        self.release()
        self.conn.close()


def _move_deadline_back(attempt_id: int, seconds: int) -> None:
    """The server's clock moved past the deadline: the stored deadline is set into the past."""
    db.session.remove()  # no read snapshot of ours, older than the server's writes
    db.session.execute(
        update(Attempt)
        .where(Attempt.id == attempt_id)
        .values(deadline_at=utcnow() - timedelta(seconds=seconds))
    )
    db.session.commit()
    db.session.remove()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_network_cut_during_submit_then_retry_grades_once(app, database_url, tmp_path):
    server, tab, _ = _sit(tmp_path, database_url, "cut")
    try:
        acked: Acked = {}
        _save_all(tab, _essay_positions(tab.attempt_id), acked, 1, "交卷前")
        # 交卷 reaches the server, the answer never comes back (the client gives up reading
        # after 1 ms and closes the connection, as a dropped Wi-Fi does).
        with pytest.raises(requests.ReadTimeout):
            tab.http.post(tab.url(f"/exams/attempts/{tab.attempt_id}/submit"),
                          data={"csrf_token": tab.token}, allow_redirects=False,
                          timeout=(5, 0.001))  # fmt: skip
        retry = tab.submit()  # the candidate presses 交卷 again
        assert retry.status_code == 302 and "/result" in retry.headers["Location"], retry.text
        deadline = time.monotonic() + 10  # the first request may still be finishing
        while _fresh_items(tab.attempt_id) and time.monotonic() < deadline:
            if db.session.get(Attempt, tab.attempt_id).status != "in_progress":
                break
            time.sleep(0.1)
        _assert_graded_once(tab.attempt_id)
        assert _lost(tab.attempt_id, acked) == 0
        late = tab.save(_essay_positions(tab.attempt_id)[0], "交卷后", 99)
        assert late.status_code == 409  # refused, never acknowledged after the submission
    finally:
        server.stop()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_kill_9_mid_submission_leaves_it_whole_or_not_at_all(app, database_url, tmp_path):
    server, tab, _ = _sit(tmp_path, database_url, "killsubmit")
    locker = None
    try:
        acked: Acked = {}
        _save_all(tab, _essay_positions(tab.attempt_id), acked, 1, "提交前")
        items = _fresh_items(tab.attempt_id)
        last = items[max(items)]
        db.session.remove()
        # Hold one attempt item's row: the submission claims the attempt, writes its score
        # events, then blocks on this row — in the middle of its transaction.
        conninfo = database_url.replace("postgresql+psycopg://", "postgresql://")
        locker = psycopg.connect(conninfo)
        locker.execute("SELECT id FROM attempt_items WHERE id = %s FOR UPDATE", (last.id,))
        submitting = threading.Thread(target=lambda: _swallow(tab.submit), daemon=True)
        submitting.start()
        with psycopg.connect(conninfo, autocommit=True) as watcher:
            pid = _wait_for(
                lambda: watcher.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                    " AND wait_event_type = 'Lock'"
                ).fetchone(),
                "the submission never blocked on the held row",
            )[0]
            claimed = watcher.execute(
                "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
                " WHERE l.pid = %s AND c.relname = 'attempts' AND l.mode = 'RowExclusiveLock'",
                (pid,),
            ).fetchone()[0]
            assert claimed == 1, "the submission had not claimed the attempt yet"
            server.kill()  # kill -9: master and workers, mid-transaction
            locker.rollback()
            _wait_for(
                lambda: (
                    not watcher.execute(
                        "SELECT 1 FROM pg_stat_activity WHERE pid = %s", (pid,)
                    ).fetchone()
                ),
                "the dead server's transaction never ended",
            )
        submitting.join(15)
        db.session.remove()
        attempt = db.session.get(Attempt, tab.attempt_id)
        # Not at all: the claim and the score events went with the transaction.
        assert (attempt.status, attempt.submitted_at) == ("in_progress", None)
        assert _score_events(tab.attempt_id) == {}
        assert _lost(tab.attempt_id, acked) == 0

        server = LiveServer(database_url, tmp_path).start()
        tab.server = server
        again = tab.submit()
        assert again.status_code == 302 and "/result" in again.headers["Location"]
        _assert_graded_once(tab.attempt_id)
        assert _lost(tab.attempt_id, acked) == 0
    finally:
        if locker is not None:
            locker.close()
        server.stop()


def _swallow(call):
    try:
        return call()
    except requests.RequestException:
        return None


def _wait_for(probe, message: str, seconds: float = 15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := probe():
            return found
        time.sleep(0.05)
    raise AssertionError(message)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_worker_timeout_mid_request_loses_nothing_and_the_resend_is_saved(
    app, database_url, tmp_path
):
    # gunicorn kills a worker stuck past --timeout (2 s here, 30 s in production).
    server, tab, _ = _sit(tmp_path, database_url, "timeout", timeout=2)
    try:
        positions = _essay_positions(tab.attempt_id)
        acked: Acked = {}
        seq = _save_all(tab, positions, acked, 1, "超时前")
        with _WriteLock(database_url):  # the save waits on it in SQLite's busy handler …
            started = time.monotonic()
            with pytest.raises(requests.ConnectionError):  # … until gunicorn kills the worker
                tab.save(positions[0], "被中断的保存", seq, timeout=20)
            assert time.monotonic() - started < 9  # killed by the timeout, not answered
        assert "WORKER TIMEOUT" in server.log_text()
        assert _lost(tab.attempt_id, acked) == 0
        assert _fresh_items(tab.attempt_id)[positions[0]].save_seq < seq  # never stored
        # The page kept it (no acknowledgement) and resends it to the replacement worker.
        again = tab.save(positions[0], "被中断的保存", seq)
        assert again.status_code == 200 and again.json()["saved"], again.text
        acked[positions[0]] = (seq, "被中断的保存")
        assert _lost(tab.attempt_id, acked) == 0
    finally:
        server.stop()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_database_locked_past_the_busy_timeout_is_a_clear_retryable_refusal(
    app, database_url, tmp_path
):
    server, tab, _ = _sit(tmp_path, database_url, "locked")
    try:
        positions = _essay_positions(tab.attempt_id)
        acked: Acked = {}
        seq = _save_all(tab, positions, acked, 1, "锁定前")
        with _WriteLock(database_url) as lock:
            refused = tab.save(positions[0], "锁定期间的答案", seq, timeout=30)
            lock.release()
        # 503 + Retry-After + Chinese JSON: attempt.js keeps every answer that got anything
        # but 2xx or 409 pending (localStorage) and resends it every 5 s.
        assert refused.status_code == 503, refused.text[:300]
        assert refused.headers["Retry-After"] == "5"
        body = refused.json()
        assert body["ok"] is False and "系统繁忙" in body["error"] and "未保存" in body["error"]
        assert _fresh_items(tab.attempt_id)[positions[0]].save_seq < seq  # not stored
        assert _lost(tab.attempt_id, acked) == 0
        resent = tab.save(positions[0], "锁定期间的答案", seq)
        assert resent.status_code == 200 and resent.json()["saved"], resent.text
        acked[positions[0]] = (seq, "锁定期间的答案")
        assert _lost(tab.attempt_id, acked) == 0
    finally:
        server.stop()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_disk_full_refuses_clearly_and_acknowledges_only_what_was_stored(
    app, database_url, tmp_path
):
    server, tab, paper_id = _sit(tmp_path, database_url, "diskfull")
    positions = _essay_positions(tab.attempt_id)
    acked: Acked = {}
    seq = _save_all(tab, positions, acked, 1, "写满前")
    server.stop()
    # From here no connection may grow the file: the disk is full (tests/faults/capped_app.py).
    server = LiveServer(database_url, tmp_path, workers=1, target="tests.faults.capped_app:app")
    server.start()
    tab.server = server
    try:
        refusals, unacked = [], {}
        for n in range(
            1, 21
        ):  # answers of growing length (up to 5,000 characters): soon one needs a new page
            position, text = positions[n % len(positions)], f"第 {n} 版：" + "答" * (n * 250)
            r = tab.save(position, text, seq)
            if r.status_code == 200 and r.json()["saved"]:
                acked[position] = (seq, text)
            else:
                refusals.append(r)
                unacked[position] = seq
            seq += 1
        assert refusals, "no save needed a new page: the cap was never reached"
        for r in refusals:
            assert r.status_code == 507, r.text[:300]
            assert "存储空间已满" in r.json()["error"] and "未保存" in r.json()["error"]
        assert _lost(tab.attempt_id, acked) == 0
        stored = _fresh_items(tab.attempt_id)
        for position, refused_seq in unacked.items():  # nothing refused is stored
            assert stored[position].save_seq != refused_seq
        with sqlite3.connect(_sqlite_path(database_url)) as check:
            assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # Space freed (a normal server): the page's resends of the refused answers land.
        server.stop()
        server = LiveServer(database_url, tmp_path).start()
        tab.server = server
        r = tab.save(positions[0], "空间恢复后", seq)
        assert r.status_code == 200 and r.json()["saved"]
        acked[positions[0]] = (seq, "空间恢复后")
        assert _lost(tab.attempt_id, acked) == 0
    finally:
        server.stop()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_server_down_across_the_deadline_closes_the_attempt_with_its_answers(
    app, database_url, tmp_path
):
    server, tab, _ = _sit(tmp_path, database_url, "deadline")
    try:
        positions = _essay_positions(tab.attempt_id)
        acked: Acked = {}
        seq = _save_all(tab, positions, acked, 1, "停机前")
        server.stop()
        _move_deadline_back(tab.attempt_id, 120)  # down for longer than the time left + grace
        server = LiveServer(database_url, tmp_path).start()
        tab.server = server
        late = tab.save(positions[0], "截止后的答案", seq)
        assert late.status_code == 409 and late.json()["ok"] is False  # never acknowledged
        page = tab.http.get(tab.url(f"/exams/attempts/{tab.attempt_id}"), allow_redirects=False)
        assert page.status_code == 302 and "/result" in page.headers["Location"]
        db.session.remove()
        attempt = db.session.get(Attempt, tab.attempt_id)
        assert attempt.status != "in_progress" and attempt.auto_submitted
        _assert_graded_once(tab.attempt_id)
        assert _lost(tab.attempt_id, acked) == 0  # closed with every acknowledged answer
        essays = _fresh_items(tab.attempt_id)
        assert all(essays[p].response == acked[p][1] for p in positions)
    finally:
        server.stop()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_client_clock_hours_off_the_server_clock_rules(app, database_url, tmp_path):
    server, tab, _ = _sit(tmp_path, database_url, "clock")
    try:
        positions = _essay_positions(tab.attempt_id)
        acked: Acked = {}
        # A PC whose clock is 5 hours fast (and one 5 hours slow): what it sends is ignored;
        # the page counts down from the server's `remaining`, set again by every save.
        for seq, hours in ((1, 5), (2, -5)):
            claimed = utcnow() + timedelta(hours=hours)
            r = tab.http.post(
                tab.url(f"/exams/attempts/{tab.attempt_id}/answers"),
                json={"position": positions[0], "response": f"钟差 {hours}", "seq": seq,
                      "client_time": claimed.isoformat() + "Z"},
                headers={"X-CSRFToken": tab.token, "Date": claimed.strftime("%a, %d %b %Y %H:%M:%S GMT")},
                timeout=10,
            )  # fmt: skip
            assert r.status_code == 200 and r.json()["saved"], r.text
            assert 3500 <= r.json()["remaining"] <= 3600  # 60 minutes by the server's clock
            acked[positions[0]] = (seq, f"钟差 {hours}")
        clock = tab.http.get(tab.url(f"/exams/attempts/{tab.attempt_id}/clock"), timeout=10)
        assert 3500 <= clock.json()["remaining"] <= 3600
        # The server's deadline passes while the client's slow clock says 5 hours remain.
        _move_deadline_back(tab.attempt_id, 60)
        early = utcnow() - timedelta(hours=5)
        late = tab.http.post(
            tab.url(f"/exams/attempts/{tab.attempt_id}/answers"),
            json={"position": positions[0], "response": "迟到", "seq": 3},
            headers={"X-CSRFToken": tab.token, "Date": early.strftime("%a, %d %b %Y %H:%M:%S GMT")},
            timeout=10,
        )
        assert late.status_code == 409
        closed = tab.http.get(tab.url(f"/exams/attempts/{tab.attempt_id}/clock"), timeout=10)
        assert closed.json()["status"] != "in_progress" and closed.json()["remaining"] == 0
        assert _lost(tab.attempt_id, acked) == 0
        _assert_graded_once(tab.attempt_id)
    finally:
        server.stop()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_reopening_the_attempt_on_another_machine_shows_and_keeps_the_server_answers(
    app, database_url, tmp_path
):
    server, first, _ = _sit(tmp_path, database_url, "twopc")
    try:
        positions = _essay_positions(first.attempt_id)
        acked: Acked = {}
        seq = _save_all(first, positions, acked, 1, "第一台电脑")
        # The first PC crashes; the candidate signs in on another one (no localStorage there).
        second = Candidate(server).login("twopc", PASSWORD)
        second.attempt_id = first.attempt_id
        page = second.http.get(second.url(f"/exams/attempts/{first.attempt_id}"), timeout=10)
        for position in positions:  # every answer comes from the server, with its seq
            assert acked[position][1] in page.text
            assert f'data-seq="{acked[position][0]}"' in page.text
        second.open_page()
        r = second.save(positions[0], "第二台电脑", seq)
        assert r.status_code == 200 and r.json()["saved"]
        acked[positions[0]] = (seq, "第二台电脑")
        # The first PC comes back and resends what it had queued: older, so ignored.
        stale = first.save(positions[0], "第一台电脑的旧答案", seq - 1)
        assert stale.status_code == 200 and stale.json()["saved"] is False
        assert _lost(first.attempt_id, acked) == 0
        assert second.submit().status_code == 302
        _assert_graded_once(first.attempt_id)
        assert _lost(first.attempt_id, acked) == 0
    finally:
        server.stop()


def _edited_content(tmp_path: Path) -> tuple[Path, str, str]:
    """A copy of the content with dfwyj-001's stem and key changed, as an editor would."""
    root = tmp_path / "content"
    shutil.copytree(ROOT / "question_bank", root / "question_bank")
    shutil.copytree(ROOT / "cases", root / "cases")
    path = root / "question_bank" / "dianfei-weiyuejin.md"
    text = path.read_text()
    old = "每日按照电费总额的（　）加收违约金。"
    new = "每日按照电费总额的（　）加收违约金（本题已更新）。"
    assert old in text
    text = text.replace(old, new, 1)
    text = text.replace("- [ ] 1‰至2‰\n- [x] 1‰至3‰", "- [x] 1‰至2‰\n- [ ] 1‰至3‰", 1)
    path.write_text(text)
    return root, old, new


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_content_reloaded_mid_exam_started_attempts_keep_their_version(app, database_url, tmp_path):
    server, tab, _ = _sit(tmp_path, database_url, "reload")
    try:
        single = first_of_kind("single")
        assert single.uid == "dfwyj-001"
        version_before = single.version
        items = _fresh_items(tab.attempt_id)
        position = next(p for p, i in items.items() if i.kind == "single")
        acked: Acked = {}
        seq = _save_all(tab, _essay_positions(tab.attempt_id), acked, 1, "更新前")
        db.session.remove()

        from exam_app.services.content_sync import sync_content

        root, old_stem, new_stem = _edited_content(tmp_path)
        sync_content(root)  # what `flask load-content` does, with the exam running
        db.session.commit()
        db.session.remove()
        reloaded = db.session.get(Question, single.id)
        assert reloaded.version > version_before and new_stem in reloaded.stem

        page = tab.http.get(tab.url(f"/exams/attempts/{tab.attempt_id}"), timeout=10)
        assert old_stem in page.text and new_stem not in page.text
        # The option the candidate saw as right (1‰至3‰) is graded right: the old key.
        label = _label_of(page.text, position, "1‰至3‰")
        r = tab.save(position, label, seq)
        assert r.status_code == 200 and r.json()["saved"], r.text
        assert _lost(tab.attempt_id, acked) == 0
        assert tab.submit().status_code == 302
        _assert_graded_once(tab.attempt_id)
        graded = _fresh_items(tab.attempt_id)[position]
        assert graded.score == graded.points and graded.score > 0
    finally:
        server.stop()


def _label_of(html: str, position: int, option_text: str) -> str:
    """The value of the radio button whose label shows `option_text` in item `position`."""
    block = html.split(f'data-position="{position}"', 1)[1].split("</fieldset>", 1)[0]
    for label in block.split("<label>")[1:]:
        if option_text in label.split("</label>", 1)[0]:
            return label.split('value="', 1)[1].split('"', 1)[0]
    raise AssertionError(block[:1500])


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_backup_during_an_exam_restores_every_answer_acknowledged_before_it(
    app, database_url, tmp_path
):
    from exam_app.services.backup import backup, restore

    server, tab, _ = _sit(tmp_path, database_url, "backup")
    try:
        positions = _essay_positions(tab.attempt_id)
        acked: Acked = {}
        statuses: list[int] = []
        stop = threading.Event()
        lock = threading.Lock()

        def keep_saving():
            for seq in range(1, 2001):  # bounded; stopped after the backup
                if stop.is_set():
                    return
                position, text = positions[seq % len(positions)], f"备份中 {seq}"
                r = tab.save(position, text, seq)
                statuses.append(r.status_code)
                if r.status_code == 200 and r.json()["saved"]:
                    with lock:
                        acked[position] = (seq, text)

        saver = threading.Thread(target=keep_saving, daemon=True)
        saver.start()
        _wait_for(lambda: len(acked) == len(positions), "no saves before the backup")
        with lock:
            before = dict(acked)  # acknowledged before the backup began
        output = tmp_path / "backups" / "exam.db"
        backup(db.engine, output)  # `flask backup` while the candidate keeps saving
        time.sleep(0.3)
        stop.set()
        saver.join(15)
        assert statuses and set(statuses) == {200}  # saving never failed during the backup
        assert _lost(tab.attempt_id, acked) == 0
        db.session.remove()

        restore(db.engine, output)  # `flask restore FILE --yes`, then restart (README)
        server.stop()
        server = LiveServer(database_url, tmp_path).start()
        tab.server = server
        assert _lost(tab.attempt_id, before) == 0  # everything acknowledged before the backup
        with sqlite3.connect(_sqlite_path(database_url)) as check:
            assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        r = tab.save(positions[0], "恢复后继续作答", 5000)
        assert r.status_code == 200 and r.json()["saved"], r.text
        assert tab.submit().status_code == 302
        _assert_graded_once(tab.attempt_id)
    finally:
        stop.set()
        server.stop()
