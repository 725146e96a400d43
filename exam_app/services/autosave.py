"""Autosave: the request every candidate sends every few seconds while an exam runs.

One conditional UPDATE, which also checks the sign-in session when the view passes its
claim (web/session_user.checks_session_itself); what the answer is checked against comes
from this worker's copy of the attempt's layout (attempt_layouts.py). The server owns the
clock: every call takes `now` (UTC) so tests can move time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, NoReturn

from sqlalchemy import bindparam, select, update

from exam_app.database import end_reads, run_alone
from exam_app.extensions import db
from exam_app.models import Attempt, AttemptItem
from exam_app.models.base import utcnow
from exam_app.services import attempt_layouts
from exam_app.services.attempts import prepared_paper
from exam_app.services.errors import ServiceError
from exam_app.services.responses import check_response
from exam_app.services.sign_in import SessionClaim, open_session_clause
from exam_app.services.submission import close_if_overdue, grace

_a = Attempt.__table__


class SaveRefused(ServiceError):
    """The attempt is closed (or has just been closed): the page must reload."""

    def __init__(self, message: str, attempt_status: str):
        super().__init__(message, status=409)
        self.attempt_status = attempt_status


@dataclass(frozen=True)
class SaveResult:
    saved: bool  # False: a newer save was already stored (this one was stale)
    seq: int
    saved_at: datetime | None
    deadline_at: datetime  # for the page's countdown, read before the commit expired it


def save_answer(
    attempt: Attempt, position: int, response: Any, seq: int, now: datetime | None = None
) -> SaveResult:
    return save_by_id(attempt.id, attempt.user_id, position, response, seq, now)


# Built once on the tables (Core, not ORM), executed with parameters: at a save every few
# seconds per candidate, building the statements and the ORM's bookkeeping cost about as
# much as running them.
_items = AttemptItem.__table__
# Lands only on a newer sequence number (two tabs) of this person's attempt while it is
# open and before its deadline (with the grace): the checks are part of the write, with the
# attempt row share-locked on PostgreSQL, so a submission either waits for this save and
# grades it, or this save sees the attempt closed.
_STILL_OPEN = (
    select(_a.c.id)
    .where(_a.c.id == bindparam("b_attempt"), _a.c.user_id == bindparam("b_user"),
           _a.c.status == "in_progress", _a.c.deadline_at >= bindparam("b_cutoff"))
    .with_for_update(read=True)
)  # fmt: skip
_SAVE_UPDATE = (
    update(_items)
    .where(
        _items.c.attempt_id == bindparam("b_attempt"),
        _items.c.position == bindparam("b_position"),
        _items.c.save_seq < bindparam("b_seq"),
        # The item the cached layout checked the answer against (see attempt_layouts.py).
        _items.c.display_key.is_not_distinct_from(bindparam("b_key")),
        _STILL_OPEN.exists(),
    )
    .values(
        response=bindparam("b_response"), save_seq=bindparam("b_seq"), saved_at=bindparam("b_now")
    )
)
# The same, with the sign-in session checked in it (sign_in.open_session_clause).
_SAVE_UPDATE_SIGNED_IN = _SAVE_UPDATE.where(open_session_clause())
_SAVE_KEPT = (
    select(_a.c.status, _a.c.user_id, _a.c.deadline_at, _items.c.save_seq, _items.c.saved_at,
           _items.c.display_key)
    .join(_a, _a.c.id == _items.c.attempt_id)
    .where(_items.c.attempt_id == bindparam("b_attempt"),
           _items.c.position == bindparam("b_position"))
)  # fmt: skip


class _StaleLayout(Exception):
    """The cached layout no longer describes this attempt (its rows were replaced, as by
    restoring a backup): read it afresh."""


def save_by_id(
    attempt_id: int,
    user_id: int,
    position: Any,
    response: Any,
    seq: Any,
    now: datetime | None = None,
    *,
    claim: SessionClaim | None = None,
) -> SaveResult:
    """Autosave, the request every candidate sends every few seconds: one conditional
    UPDATE in a transaction of its own (the view is `reads_first`).

    What the answer is checked against (the item's kind, options and blanks) and the
    deadline come from this worker's cache of the attempt's layout (attempt_layouts.py),
    read once per attempt; whether the attempt is this person's, still open and in time,
    and the item still the one the layout names, is checked by the UPDATE itself, and so is
    the sign-in session when the view passes its `claim` (session_user.checks_session_itself):
    then a save is that one statement. Whatever refuses a save checks the session first.
    Someone else's attempt reads as missing (404, as pages).
    """
    now = now or utcnow()
    try:
        return _save(attempt_layouts.layout(attempt_id), attempt_id, user_id, position,
                     response, seq, now, claim)  # fmt: skip
    except _StaleLayout:
        attempt_layouts.forget(attempt_id)
        db.session.rollback()
        return _save(attempt_layouts.layout(attempt_id), attempt_id, user_id, position,
                     response, seq, now, claim)  # fmt: skip


def _refuse(claim: SessionClaim | None, error: ServiceError) -> NoReturn:
    if claim is not None:
        claim.verify()  # a closed session hears 401, not what became of the attempt
    raise error


def _save(layout, attempt_id, user_id, position, response, seq, now, claim) -> SaveResult:
    if layout is not None and layout.cached and layout.user_id != user_id:
        raise _StaleLayout
    if layout is None or layout.user_id != user_id:
        if claim is not None:
            claim.verify()  # before telling anything of the attempt
        raise _missing(attempt_id, user_id)
    if layout.status != "in_progress" or now > layout.deadline_at + grace():
        if layout.cached:  # never refuse on what may be stale: ask the database
            raise _StaleLayout
        if layout.status != "in_progress":
            _refuse(claim, SaveRefused("本场考试已交卷，不能再修改答案。", layout.status))
        _refuse_late(attempt_id, now, claim)
    if not isinstance(position, int) or isinstance(position, bool):
        _refuse(claim, ServiceError("请求格式无效。"))
    found = layout.item(position)
    if found is None:
        if layout.cached:
            raise _StaleLayout
        _refuse(claim, ServiceError(f"本场考试没有第 {position} 题。", status=404))
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        _refuse(claim, ServiceError("保存序号无效。"))
    item_id, kind, key = found
    shown = attempt_layouts.parts({item_id: key})[item_id]
    try:
        value = check_response(kind, shown, response, f"第 {position} 题")
    except ServiceError as error:
        if layout.cached:  # refused against what may be a stale layout: ask the database
            raise _StaleLayout from None
        _refuse(claim, error)
    end_reads()  # SQLite: the write is a transaction of its own (see database.py)
    params = {"b_attempt": attempt_id, "b_user": user_id, "b_position": position, "b_seq": seq,
              "b_response": value, "b_now": now, "b_cutoff": now - grace(), "b_key": key}  # fmt: skip
    statement = _SAVE_UPDATE
    if claim is not None:
        statement = _SAVE_UPDATE_SIGNED_IN
        params.update(claim.params)
    saved = run_alone(statement, params)[0] == 1
    if saved:
        return SaveResult(saved=True, seq=seq, saved_at=now, deadline_at=layout.deadline_at)
    # Not stored: the session ended, the attempt closed or ran out of time in between, or
    # a newer save came first.
    if claim is not None:
        claim.verify()
    kept = (
        db.session.connection()
        .execute(_SAVE_KEPT, {"b_attempt": attempt_id, "b_position": position})
        .one_or_none()
    )
    if kept is None or kept.user_id != user_id or kept.display_key != key:
        if layout.cached:
            raise _StaleLayout
        raise ServiceError("没有这场考试。", status=404)  # changed under us: reload the page
    if kept.status != "in_progress":
        attempt_layouts.forget(attempt_id)
        raise SaveRefused("本场考试已交卷，不能再修改答案。", kept.status)
    if now > kept.deadline_at + grace():
        _refuse_late(attempt_id, now, claim)
    return SaveResult(saved=False, seq=kept.save_seq, saved_at=kept.saved_at,
                      deadline_at=layout.deadline_at)  # fmt: skip


def _missing(attempt_id: int, user_id: int) -> ServiceError:
    """Someone else's attempt, or none, reads as missing; theirs prepared and not started is
    a start a power cut took back (attempts.claim_prepared): the page reloads, which leads
    to 开始作答, and its answers kept in the browser are sent again after it."""
    if prepared_paper(attempt_id, user_id) is not None:
        return SaveRefused("本场考试尚未开始作答，请在考试须知中重新点击「开始作答」。", "prepared")
    return ServiceError("没有这场考试。", status=404)


def _refuse_late(attempt_id: int, now: datetime, claim: SessionClaim | None = None) -> NoReturn:
    if claim is not None:
        claim.verify()  # before closing anything on a cookie's word
    attempt = db.session.get(Attempt, attempt_id)
    close_if_overdue(attempt, now)
    attempt_layouts.forget(attempt_id)
    raise SaveRefused("考试时间已到，此答案未被接受；此前已保存的答案已自动交卷。", attempt.status)
