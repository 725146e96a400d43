"""开始作答 at the rush commits without waiting for the disk (attempts.claim_prepared,
past_session.write durable=False); an answer's save still waits. A start lost in a power
cut leaves the attempt prepared for its person: the page leads them back to 开始作答,
which gives them the same attempt, drawn as before."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import event, select, update

from exam_app.extensions import db
from exam_app.models import Attempt, AttemptItem, User
from exam_app.services import attempt_layouts
from tests.factories import key_response
from tests.integration.test_start_checks_session import _signed_in, open_paper  # noqa: F401

NORMAL, FULL = 1, 2  # SQLite's PRAGMA synchronous levels


def _sent(web, method: str, url: str, *args):
    """The response, and each statement sent with, on SQLite, the connection's sync level
    at that moment (None on PostgreSQL: its level is what the statements set)."""
    seen: list[tuple[str, int | None]] = []

    def listener(_conn, cursor, statement, *_args):
        level = None
        if db.engine.dialect.name == "sqlite":
            level = cursor.connection.execute("PRAGMA synchronous").fetchone()[0]
        seen.append((" ".join(statement.split()[:3]).upper(), level))

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        response = getattr(web, method)(url, *args)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return response, seen


def _mine(paper, username) -> Attempt:
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.username == username))
    return db.session.scalar(
        select(Attempt).where(Attempt.paper_id == paper.id, Attempt.reserved_for_id == user.id)
    )


def _first_item(attempt_id: int) -> AttemptItem:
    return db.session.scalar(
        select(AttemptItem).where(AttemptItem.attempt_id == attempt_id, AttemptItem.position == 1)
    )


def _save_body(item, seq: int) -> dict:
    return {"position": item.position, "seq": seq, "response": key_response(item.snapshot)}


def test_the_start_does_not_wait_for_the_disk_and_a_save_does(open_paper, make_client, monkeypatch):  # noqa: F811, E501
    # The worker's first start of a paper reads its schedule in the session first, and so
    # commits the long (durable) way: the rush's starts are the ones after it.
    assert (
        _signed_in(make_client, "b").post(f"/exams/papers/{open_paper.id}/start").status_code == 200
    )
    web = _signed_in(make_client, "a")
    synced, real = [], os.fdatasync  # SQLite: the syncs the app asks for (wal_sync.py)
    monkeypatch.setattr(os, "fdatasync", lambda fd: (synced.append(fd), real(fd)))
    r, start = _sent(web, "post", f"/exams/papers/{open_paper.id}/start")
    assert r.status_code == 200
    start_synced = len(synced)
    claim = [n for n, (verb, _level) in enumerate(start) if verb == "UPDATE ATTEMPTS SET"]
    assert len(claim) == 1
    attempt = _mine(open_paper, "a")
    item = _first_item(attempt.id)
    r, save = _sent(web, "post_json", f"/exams/attempts/{attempt.id}/answers",
                    _save_body(item, 1))  # fmt: skip
    assert r.status_code == 200 and r.json["saved"], r.json
    stored = [n for n, (verb, _level) in enumerate(save) if verb == "UPDATE ATTEMPT_ITEMS SET"]
    assert len(stored) == 1
    if db.engine.dialect.name == "sqlite":
        assert start[claim[0]][1] == NORMAL
        # The save commits at NORMAL too, but its response waits for the WAL's sync
        # (wal_sync.py, tested there); the start asks for none.
        assert save[stored[0]][1] == NORMAL
        assert (start_synced, len(synced)) == (0, 1)
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == FULL
    else:
        assert start[claim[0] - 1][0] == "SET LOCAL SYNCHRONOUS_COMMIT"
        assert not any(verb.startswith("SET") for verb, _level in save)
        with db.engine.connect() as connection:  # SET LOCAL ended with its transaction
            assert connection.exec_driver_sql("SHOW synchronous_commit").scalar() == "on"
    db.session.expire_all()
    assert db.session.get(Attempt, attempt.id).status == "in_progress"


@pytest.fixture
def lost_start(open_paper, make_client):  # noqa: F811
    """A candidate whose start a power cut took back: their page is open, the database has
    the attempt as it was before the start (the worker's caches gone with it)."""
    web = _signed_in(make_client, "a")
    before = _mine(open_paper, "a")
    columns = ("status", "user_id", "started_at", "deadline_at")
    as_prepared = {c: getattr(before, c) for c in columns}
    assert as_prepared["status"] == "prepared"
    page = web.post(f"/exams/papers/{open_paper.id}/start")
    assert page.status_code == 200
    attempt = _mine(open_paper, "a")
    assert attempt.status == "in_progress"
    drawn = [(i.position, i.display_key, i.option_order) for i in attempt.items]
    db.session.execute(update(Attempt).where(Attempt.id == attempt.id).values(**as_prepared))
    db.session.commit()
    attempt_layouts.clear()
    return web, open_paper, attempt.id, drawn


def test_a_save_after_a_lost_start_says_to_start_again(lost_start):
    web, _paper, attempt_id, _drawn = lost_start
    item = _first_item(attempt_id)
    r = web.post_json(f"/exams/attempts/{attempt_id}/answers", _save_body(item, 5))
    # 409: the page keeps the answer in the browser and reloads (attempt.js)
    assert r.status_code == 409 and r.json["status"] == "prepared"
    assert "尚未开始作答" in r.json["error"]
    assert _first_item(attempt_id).response is None


def test_the_page_after_a_lost_start_leads_to_the_start_and_the_same_attempt(lost_start):
    web, paper, attempt_id, drawn = lost_start
    r = web.get(f"/exams/attempts/{attempt_id}")
    assert r.status_code == 302 and r.location.endswith(f"/exams/papers/{paper.id}/notice")
    notice = web.get(r.location).get_data(as_text=True)
    assert "尚未开始作答" in notice and "开始作答" in notice
    again = web.post(f"/exams/papers/{paper.id}/start")
    assert again.status_code == 200
    assert again.headers["Content-Location"] == f"/exams/attempts/{attempt_id}"
    attempt = _mine(paper, "a")
    assert attempt.id == attempt_id and attempt.status == "in_progress"
    assert [(i.position, i.display_key, i.option_order) for i in attempt.items] == drawn


def test_someone_else_still_reads_a_missing_exam(lost_start, make_client):
    _web, _paper, attempt_id, _drawn = lost_start
    other = _signed_in(make_client, "b")
    assert other.get(f"/exams/attempts/{attempt_id}").status_code == 404
    item = _first_item(attempt_id)
    r = other.post_json(f"/exams/attempts/{attempt_id}/answers", _save_body(item, 5))
    assert r.status_code == 404 and r.json["error"] == "没有这场考试。"


def test_the_exam_page_s_heading_is_read_with_the_claim(open_paper, make_client, monkeypatch):  # noqa: F811
    """The start at the rush: the claim, its COMMIT and the exam page's heading (the person's
    attempt started at the claim's moment) go to PostgreSQL as one round trip; the heading
    is not read again."""
    from exam_app import past_session
    from tests.integration.test_past_session import _waits_for_answers

    _signed_in(make_client, "b").post(f"/exams/papers/{open_paper.id}/start")  # the schedule
    web, url = _signed_in(make_client, "a"), f"/exams/papers/{open_paper.id}/start"
    waits = _waits_for_answers(monkeypatch)
    pipelines: list[tuple[int, list[str]]] = []  # (round trips, statements) of each
    plain = past_session.Transaction._pipeline

    def watched(self, cursors, rendered, *args):
        before = len(waits)
        plain(self, cursors, rendered, *args)
        pipelines.append((len(waits) - before, [" ".join(s.sql.split()[:2]) for s in rendered]))

    monkeypatch.setattr(past_session.Transaction, "_pipeline", watched)
    r, sent = _sent(web, "post", url)
    attempt = _mine(open_paper, "a")
    assert r.status_code == 200 and attempt.status == "in_progress"
    assert r.headers["Content-Location"] == f"/exams/attempts/{attempt.id}"
    assert attempt.candidate_code in r.text
    verbs = [verb for verb, _level in sent if not verb.startswith("SET")]
    assert verbs[:2] == ["UPDATE ATTEMPTS SET", "SELECT SIGNED_IN.ID, SIGNED_IN.USERNAME,"]
    assert verbs.count(verbs[1]) == 1, verbs  # the heading read once
    if db.engine.dialect.name == "postgresql":
        assert pipelines == [(1, ["UPDATE attempts", "SELECT signed_in.id,"])]


def test_a_heading_missed_is_read_by_the_claimed_id(open_paper, make_client, monkeypatch):  # noqa: F811
    """Should the heading read with the claim not find the attempt claimed (it cannot, short
    of a clock read twice), the page reads it by the claimed id: the right page, not a 404."""
    from sqlalchemy import literal

    from exam_app.services import attempt_page

    monkeypatch.setattr(attempt_page, "HEAD_OF_STARTED", attempt_page._head_signed_in(literal(0)))
    web = _signed_in(make_client, "a")
    r = web.post(f"/exams/papers/{open_paper.id}/start")
    attempt = _mine(open_paper, "a")
    assert r.status_code == 200 and attempt.status == "in_progress"
    assert r.headers["Content-Location"] == f"/exams/attempts/{attempt.id}"
    assert attempt.candidate_code in r.text
