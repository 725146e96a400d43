"""Submitting an attempt: claimed once, graded, recorded and released in one transaction.

A submission claims the attempt (from the page, with the session check in the same
statement), reads its items' responses and keys (the key alone, taken out of each shared
snapshot by the database), grades them with the pure
grader, writes every item's score in one executemany UPDATE and lets the database write
their score events from them (INSERT ... SELECT), and totals, releases and files the
result: six statements whatever the number of items (the claim reads what release needs
of the paper; the statements are in submission_sql.py), and no ORM object at all unless
answers wait for a reviewer. An all-objective paper's submission (the quarterly exam at
its rush) sends those statements on the pool's driver connection past the session
(past_session.py); on PostgreSQL, three statements in two round trips: the claim and the
items read together, then one statement for the scores, their events, the result and its
staff-file row, with the COMMIT (past_session.Transaction.batch, submission_pg.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import select

from exam_app import past_session
from exam_app.database import end_reads, read_alone, session_idle
from exam_app.extensions import db
from exam_app.grading import AUTO_KINDS, score_item
from exam_app.models import Attempt
from exam_app.models.base import utcnow
from exam_app.services import attempt_layouts, submission_pg
from exam_app.services import submission_sql as sql
from exam_app.services.results import finalise_if_graded, section_breakdown
from exam_app.services.sign_in import SessionClaim


def grace() -> timedelta:
    return timedelta(seconds=current_app.config["ANSWER_GRACE_SECONDS"])


@dataclass
class GradedItem:
    """One item as the submission needs it (shaped like an AttemptItem for results.py)."""

    id: int
    position: int
    section_position: int
    section_title: str
    kind: str
    points: Decimal
    response: Any
    key: dict | None
    rule: str | None
    score: Decimal | None = None
    counted: bool = True
    needs_review: bool = False


# The grader's own copy of keys and rules, by snapshot digest (a snapshot never changes; a
# corrected key is a new snapshot with a new digest). Read only here, by the submission:
# nothing rendered for anyone comes from it.
_keys: dict[str, tuple[Any, str | None]] = {}
KEYS_KEPT = 8192


def _keys_for(digests: set[str]) -> dict[str, tuple[Any, str | None]]:
    missing = [d for d in digests if d not in _keys]
    if missing:
        if len(_keys) + len(missing) > KEYS_KEPT:
            _keys.clear()
        for digest, key, rule in read_alone(sql.KEYS, {"digests": missing}):
            _keys[digest] = (key, rule)
    return _keys


def forget_keys() -> None:
    """Tests that want a cold grader call this (the copy is content-addressed: never stale)."""
    _keys.clear()


@dataclass
class _Paper:
    kind: str
    quarter: str
    title: str
    pass_mark: str
    release_policy: str
    release_state: str | None

    @property
    def release_due(self) -> bool:  # as results.release_due decides it
        if self.release_state is not None:
            return self.release_state == "released"
        return self.release_policy == "auto"


def submit(attempt: Attempt, now: datetime | None = None, *, auto: bool = False) -> bool:
    """Submit and grade once. Returns False when it had already been submitted."""
    now = now or utcnow()
    early = _graded_early(attempt.id)
    params = {"attempt_id": attempt.id, "now": now, "auto": auto}
    claimed = db.session.connection().execute(sql.CLAIM, params).first()
    if claimed is None:
        db.session.rollback()
        db.session.refresh(attempt)
        return False
    _grade_claimed(attempt.id, claimed, now, attempt, early=early)
    return True


def submit_claimed(attempt_id: int, claim: SessionClaim, now: datetime | None = None) -> bool:
    """交卷 from the page, at the rush: claimed by a statement that checks the session and
    the owner too, then graded as `submit` does. False when nothing was claimed (already
    submitted, someone else's, a closed session...): the view then checks and goes the
    long way."""
    now = now or utcnow()
    early = _graded_early(attempt_id)
    params = {"attempt_id": attempt_id, "now": now, "auto": False, "b_user": claim.id,
              **claim.params}  # fmt: skip
    if session_idle() and _may_be_all_objective(attempt_id, early):
        done = _submit_past_session(attempt_id, params, now, early)
        if done is not None:
            return done
    claimed = db.session.connection().execute(sql.CLAIM_SIGNED_IN, params).first()
    if claimed is None:
        db.session.rollback()
        return False
    _grade_claimed(attempt_id, claimed, now, early=early)
    return True


@dataclass
class _Early:
    """An attempt's items graded before its claim, with what they were graded from."""

    items: list[GradedItem]
    seq_sum: int
    snapshot_sum: int

    @property
    def all_objective(self) -> bool:
        """Every item graded by the grader: nothing can wait for a reviewer, whatever a
        save in between changes (an item's kind is frozen with it)."""
        return bool(self.items) and all(i.kind in AUTO_KINDS for i in self.items)


def _may_be_all_objective(attempt_id: int, early: _Early | None) -> bool:
    """Whether the submission can go past the session: only answers no reviewer reads.
    SQLite graded before the claim and knows; PostgreSQL knows from this worker's layout
    of the attempt when it has one (its saves and page left it), else tries and steps back
    (see _submit_past_session)."""
    if early is not None:
        return early.all_objective
    layout = attempt_layouts.cached(attempt_id)
    return layout is None or all(kind in AUTO_KINDS for kind in layout.kinds)


def _submit_past_session(attempt_id: int, params: dict, now: datetime, early: _Early | None):
    """An all-objective paper (the quarterly exam's rush): the claim, the scores, their
    events, the result and its staff-file row are one transaction on the pool's driver
    connection, past the ORM session (past_session.py), the statements the same.
    True: submitted; False: nothing claimed (the view checks why); None: nothing written
    (an answer waits for a reviewer after all), go the session's way."""
    with past_session.transaction(db.engine) as tx:
        if early is None:  # PostgreSQL: the items are read after the claim, in its round trip
            claim, rows = tx.batch([(sql.CLAIM_SIGNED_IN_LATE, params),
                                    (sql.ITEMS, {"attempt_id": attempt_id})])  # fmt: skip
            claimed, rows = claim.first(), rows.all()
        else:
            claimed, rows = tx.execute(sql.CLAIM_SIGNED_IN, params).first(), None
        if claimed is None:
            tx.rollback()
            return False
        items, user_id, max_total, of_paper = _claimed_items(tx, attempt_id, claimed, early, rows)
        if not items or any(i.needs_review for i in items):  # see _may_be_all_objective
            tx.rollback()
            return None
        tx.batch(_write_steps(tx.dialect, attempt_id, items, now, user_id, max_total, of_paper),
                 commit=True)  # fmt: skip
    attempt_layouts.forget(attempt_id)
    return True


def _graded_early(attempt_id: int) -> _Early | None:
    """SQLite: read and grade the items before the claim, while other workers may still
    write (the read takes no lock), so the write lock is held only from the claim to the
    commit: a hundred items graded in Python no longer keep the centre's saves waiting.
    The claim returns the sums of the items' save numbers and snapshot ids: a save (its
    number only grows) or a changed snapshot that landed in between shows there, and the
    items are then read again under the lock. Whose attempt it is, and whether it may be
    submitted, is still the claim's to say: nothing graded here is kept without it.
    PostgreSQL locks rows, not the database, and the claim waits for saves in flight, so
    there the items are read after it (a read before would cost a round trip more)."""
    if db.engine.dialect.name != "sqlite":
        return None
    rows = read_alone(sql.ITEMS_EARLY, {"attempt_id": attempt_id})
    end_reads()  # the read transaction ends (if the session held one): the claim writes
    items = _grade(rows, rows[0][10] if rows else None)
    return _Early(items, sum(r[8] for r in rows), sum(r[9] for r in rows))


def _grade_claimed(
    attempt_id: int,
    claimed,
    now: datetime,
    attempt: Attempt | None = None,
    *,
    early: _Early | None = None,
):
    """Grade what the claim made ours, record each score with its event, total and release:
    in the claim's transaction, committed at the end. Core statements only: no ORM object
    per item, nor for the attempt unless answers wait for a reviewer."""
    attempt_layouts.forget(attempt_id)
    connection = db.session.connection()
    items, user_id, max_total, of_paper = _claimed_items(connection, attempt_id, claimed, early)
    if _record(connection, attempt_id, items, now, attempt, user_id, max_total, of_paper):
        db.session.commit()
    if attempt is not None:
        db.session.expire(attempt)  # the caller reads what was stored


def _claimed_items(connection, attempt_id: int, claimed, early: _Early | None, rows=None):
    """The items graded, from before the claim if nothing changed since, else as the claim's
    transaction sees them (`rows`: read with the claim already); with what the claim
    returned of the attempt and its paper."""
    user_id, _paper_id, sections, max_total, *of_paper, seq_sum, snapshot_sum = claimed
    if early is not None and (early.seq_sum, early.snapshot_sum) == (seq_sum or 0,
                                                                     snapshot_sum or 0):  # fmt: skip
        items = early.items
    else:  # graded from what the claim holds (PostgreSQL, or something changed meanwhile)
        if rows is None:
            rows = connection.execute(sql.ITEMS, {"attempt_id": attempt_id}).all()
        items = _grade(rows, sections)
    return items, user_id, max_total, of_paper


def _grade(rows, sections: str | None) -> list[GradedItem]:
    """Score each counted objective item with the pure grader; blank essays get 0, others
    wait for a reviewer."""
    keys = _keys_for({r[7] for r in rows})
    items = [
        GradedItem(r[0], r[1], r[2], r[3], r[4], Decimal(r[5]),
                   None if r[6] is None else json.loads(r[6]), *keys[r[7]])
        for r in rows
    ]  # fmt: skip
    mark_counted_choices(json.loads(sections) if sections else None, items)
    for item in items:
        if not item.counted:
            continue
        if item.kind in AUTO_KINDS:
            item.score = score_item(item.kind, item.key, item.response, item.points,
                                    item.rule).score  # fmt: skip
        elif not (item.response or "").strip():
            item.score = Decimal(0)  # nothing to read: no reviewer's time for a blank essay
        else:
            item.needs_review = True
        if item.score is not None and not Decimal(0) <= item.score <= item.points:
            raise ValueError(f"score {item.score} outside 0..{item.points}")  # a bug
    return items


def _record(connection, attempt_id, items, now, attempt, user_id, max_total, of_paper) -> bool:
    """The scores, their events, the result (and its staff-file row); True when the caller
    commits them, False when answers wait for reviewers (committed here, the general way)."""
    dialect = connection.dialect
    if not items or any(i.needs_review for i in items):
        # Answers wait for reviewers (their marking tasks are opened): the general way.
        _run(connection, _score_steps(dialect, attempt_id, items, now))
        attempt = attempt or db.session.get(Attempt, attempt_id)
        db.session.expire(attempt)
        finalise_if_graded(attempt, now, items)  # commits
        return False
    _run(connection, _write_steps(dialect, attempt_id, items, now, user_id, max_total, of_paper))
    return True


def _run(connection, steps) -> None:
    """Steps on the session's connection, one after another."""
    for statement, params in steps:
        if isinstance(statement, str):
            connection.exec_driver_sql(statement, params)
        else:
            connection.execute(statement, params)


def _score_steps(dialect, attempt_id, items, now) -> list[tuple]:
    """Every item's score and the score events made from them, as (statement, parameters):
    one statement on PostgreSQL (submission_pg), an executemany and an INSERT … SELECT on
    SQLite. A string is SQL in the driver's own terms."""
    if not items:
        return []
    if dialect.name == "postgresql":  # one statement: submission_pg
        return [submission_pg.scores_and_events(attempt_id, items, now)]
    return [_scores(dialect, items), (sql.EVENTS, {"attempt_id": attempt_id, "now": now})]


def _write_steps(dialect, attempt_id, items, now, user_id, max_total, of_paper) -> list[tuple]:
    """The scores, their events, the total, pass or fail, release and the staff-file row, as
    (statement, parameters): one statement on PostgreSQL (submission_pg.recorded), four or
    five on SQLite."""
    paper = _Paper(*of_paper)
    total = sum((i.score for i in items if i.counted), Decimal(0))
    passed = total >= Decimal(paper.pass_mark)
    due = paper.release_due
    result = {"attempt_id": attempt_id, "now": now, "b_total": total, "b_passed": passed,
              "b_status": "released" if due else "graded", "b_released": now if due else None}  # fmt: skip
    filed = None
    if due and paper.kind != "practice":
        filed = {  # results._file: into the staff file
            "q_user_id": user_id, "q_quarter": paper.quarter, "q_paper_title": paper.title,
            "q_total": total, "q_max_total": Decimal(max_total), "q_passed": passed,
            "q_sections": section_breakdown(None, items), "q_recorded_at": now,
        }  # fmt: skip
    if dialect.name == "postgresql":
        return [submission_pg.recorded(attempt_id, items, now, result, filed)]
    steps = [*_score_steps(dialect, attempt_id, items, now), (sql.RESULT, result)]
    if filed is not None:
        steps.append((sql.FILE, {**filed, "q_attempt_id": attempt_id}))
    return steps


def _scores(dialect, items: list[GradedItem]) -> tuple[str, list]:
    as_text = dialect.name == "sqlite"  # models.base.Score: text there
    rows = []
    for i in items:
        score = None if i.score is None else i.score.quantize(_CENT)
        rows.append((str(score) if as_text and score is not None else score, i.counted,
                     i.needs_review, i.id))  # fmt: skip
    return sql.SCORE_SQL[dialect.paramstyle], rows


_CENT = Decimal("0.01")


def mark_counted_choices(sections: list[dict] | None, items: list) -> None:
    """In a "任选 k 题" section the first k answered items (in the order shown) count;
    the others are left unscored, as Chinese papers say: 多答者按题号顺序计前 k 题."""
    for section in sections or []:
        if section["mode"] != "choice":
            continue
        in_section = [i for i in items if i.section_position == section["position"]]
        answered = [i for i in in_section if i.response not in (None, "", [])]
        chosen = {i.id for i in answered[: section["choose_count"]]}
        # Fewer answered than k: unanswered items fill the quota with 0 points.
        for i in in_section:
            if len(chosen) >= section["choose_count"]:
                break
            chosen.add(i.id)
        for i in in_section:
            i.counted = i.id in chosen


def close_if_overdue(attempt: Attempt, now: datetime) -> bool:
    if attempt.status == "in_progress" and now > attempt.deadline_at + grace():
        return submit(attempt, now, auto=True)
    return False


def close_overdue(now: datetime | None = None) -> int:
    """Submit every attempt left open past its deadline (run from cron too)."""
    now = now or utcnow()
    overdue = db.session.scalars(
        select(Attempt).where(Attempt.status == "in_progress", Attempt.deadline_at < now - grace())
    ).all()
    return sum(1 for attempt in overdue if submit(attempt, now, auto=True))
