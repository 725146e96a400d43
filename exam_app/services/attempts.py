"""Sitting an exam: start (snapshot), save answers, submit, close overdue attempts.

The server owns the clock: every call takes `now` (UTC) so tests can move time, and
views pass the real time.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NoReturn

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from exam_app.content.display import display_key
from exam_app.database import end_reads, run_alone
from exam_app.extensions import db
from exam_app.models import Attempt, AttemptItem, Paper, Role, User
from exam_app.models.base import utcnow
from exam_app.services import attempt_layouts
from exam_app.services.audience import audience_allows, may_sit
from exam_app.services.drawing import DrawnItem, arrange, draw_items
from exam_app.services.errors import NotAllowed, ServiceError
from exam_app.services.item_snapshots import stored_rows
from exam_app.services.responses import check_response
from exam_app.services.sign_in import SessionClaim, open_session_clause
from exam_app.services.submission import (  # noqa: F401 (also imported from here)
    close_if_overdue,
    close_overdue,
    grace,
    submit,
)

# No 0/O/1/I: candidate codes are read aloud and typed by people.
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _candidate_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))


def _effective_rule(d: DrawnItem, paper: Paper) -> str | None:
    """The rule set on the item in the paper, else the section's, else the bank's."""
    kind = d.question.kind
    if kind == "multi":
        return d.rule_override or d.section.multi_rule or d.question.rule or paper.multi_rule
    if kind == "fill":
        return d.rule_override or d.section.fill_rule or d.question.rule or "per_blank"
    return None


def find_attempt(paper: Paper, user: User) -> Attempt | None:
    """The person's latest attempt at this paper (any version of it)."""
    return db.session.scalar(
        select(Attempt)
        .join(Paper, Attempt.paper_id == Paper.id)
        .where(Paper.lineage_id == paper.lineage, Attempt.user_id == user.id)
        .order_by(Attempt.number.desc())
    )


def _sections_snapshot(paper: Paper) -> list[dict]:
    return [
        {
            "position": s.position,
            "title": s.title,
            "instructions": s.instructions,
            "mode": s.mode,
            "choose_count": s.choose_count,
            "max": str(s.total_points),
        }
        for s in paper.sections
    ]


def _option_order(question, rng: random.Random, shuffle: bool) -> list[str] | None:
    if not shuffle or question.kind not in ("single", "multi"):
        return None
    labels = [o["label"] for o in question.options]
    rng.shuffle(labels)
    return labels


def build_items(
    paper: Paper,
    seed: int,
    uses: dict[int, int] | None = None,
    snapshots: dict[int, dict] | None = None,
) -> tuple[list[dict], list[dict]]:
    """The items a candidate with this seed gets, frozen, in the order shown: the draw log
    and one row of AttemptItem columns per item (stored at once, or shown in a preview).
    `uses` and `snapshots`: kept by a caller preparing many attempts (see drawing.py;
    snapshots by question id)."""
    draw = draw_items(paper, seed, uses)
    order_rng = random.Random(seed ^ 0x5EED)  # independent of the draw, still reproducible
    rows = []
    for position, d in enumerate(
        arrange(draw.items, shuffle=paper.shuffle_items, rng=order_rng), 1
    ):
        if snapshots is None:
            base = d.question.snapshot()
        elif (base := snapshots.get(d.question.id)) is None:
            base = snapshots[d.question.id] = d.question.snapshot()
        snapshot = {**base, "rule": _effective_rule(d, paper)}  # the shared base stays as read
        rows.append(
            {
                "position": position,
                "section_position": d.section.position,
                "section_title": d.section.title,
                "question_id": d.question.id,
                "kind": d.question.kind,
                "points": d.points,
                "snapshot": snapshot,
                "display_key": display_key(snapshot),
                "option_order": _option_order(d.question, order_rng, paper.shuffle_options),
            }
        )
    return draw.log, rows


def new_attempt_rows(
    paper: Paper,
    seed: int,
    now: datetime,
    uses: dict[int, int] | None = None,
    snapshots: dict[int, dict] | None = None,
) -> tuple[Attempt, list[dict]]:
    """An attempt (not yet added) and its item rows, drawn with `seed`: for a start on the
    spot, or prepared before the window opens (services/preparing.py)."""
    draw_log, rows = build_items(paper, seed, uses, snapshots)
    attempt = Attempt(
        paper_id=paper.id,
        number=1,
        candidate_code=_candidate_code(),
        seed=seed,
        draw_log=draw_log,
        sections=_sections_snapshot(paper),
        started_at=now,
        deadline_at=_deadline(paper, now),
        max_total=paper.total_points,
    )
    return attempt, rows


def _deadline(paper: Paper, now: datetime) -> datetime:
    return min(now + timedelta(minutes=paper.time_limit_minutes), paper.closes_at)


def start(paper: Paper, user: User, now: datetime | None = None) -> int:
    """Start, or resume, `user`'s attempt and return its id. At the rush this is one
    UPDATE: the attempt prepared for them is theirs from now, with its clock started."""
    now = now or utcnow()
    _check_may_sit(paper, user)
    if paper.is_open(now) and (claimed := _claim_prepared(paper, user, now)) is not None:
        return claimed
    return start_attempt(paper, user, now).id


# The oldest prepared attempt of this paper reserved for this person (there is one at most).
_a = Attempt.__table__
_PREPARED = (
    select(func.min(_a.c.id))
    .where(_a.c.paper_id == bindparam("b_paper"), _a.c.reserved_for_id == bindparam("b_user"),
           _a.c.status == "prepared")
    .scalar_subquery()
)  # fmt: skip
_CLAIM = (
    update(_a)
    .where(_a.c.id == _PREPARED, _a.c.status == "prepared")
    .values(user_id=bindparam("b_user"), status="in_progress", started_at=bindparam("b_now"),
            deadline_at=bindparam("b_deadline"))
    .returning(_a.c.id)
)  # fmt: skip


# At the rush: the claim above, checking in itself what `start` checks before it (the
# sign-in session and staff role, the paper open, the audience), so a start is one
# statement. The deadline comes from this worker's copy of the paper's time limit and
# closing time, which the statement checks too: a paper changed since falls back to `start`.
_p, _users = Paper.__table__, User.__table__
_CLAIM_SIGNED_IN = _CLAIM.where(
    open_session_clause(),
    select(_p.c.id)
    .where(_p.c.id == bindparam("b_paper"), _p.c.status == "published",
           _p.c.opens_at <= bindparam("b_now"), _p.c.closes_at > bindparam("b_now"),
           _p.c.time_limit_minutes == bindparam("b_limit"),
           _p.c.closes_at == bindparam("b_closes"))
    .exists(),
    audience_allows(bindparam("b_paper"), bindparam("b_user"),
                    select(_users.c.department_id).where(_users.c.id == bindparam("b_user"))
                    .scalar_subquery()),
)  # fmt: skip
_SCHEDULE = select(_p.c.time_limit_minutes, _p.c.closes_at).where(_p.c.id == bindparam("b_paper"))
_schedules: dict[int, tuple[int, datetime]] = {}  # paper id -> (time limit, closing), as read


def forget_schedules() -> None:
    """Tests whose database is made anew under a running app call this (paper ids recur)."""
    _schedules.clear()


def claim_prepared(paper_id: int, claim: SessionClaim, now: datetime | None = None) -> int | None:
    """开始考试 at the rush: the attempt prepared for the claim's person, theirs from now,
    in one UPDATE that also checks their session (sign_in.SessionClaim). None when anything
    is not as expected (no prepared attempt, a closed session, a changed paper): the view
    then checks the session and goes the long way (`start`)."""
    now = now or utcnow()
    if (schedule := _schedules.get(paper_id)) is None:
        row = db.session.execute(_SCHEDULE, {"b_paper": paper_id}).first()
        if row is None:
            return None
        if len(_schedules) > 256:
            _schedules.clear()
        schedule = _schedules[paper_id] = (row[0], row[1])
        end_reads()  # SQLite: the write is a transaction of its own (see database.py)
    limit, closes = schedule
    params = {"b_paper": paper_id, "b_user": claim.id, "b_now": now, "b_limit": limit,
              "b_closes": closes, "b_deadline": min(now + timedelta(minutes=limit), closes),
              **claim.params}  # fmt: skip
    try:
        _count, row = run_alone(_CLAIM_SIGNED_IN, params)
    except IntegrityError:  # started on the spot meanwhile (see _claim_prepared)
        row = None
    if row is None:
        db.session.rollback()
        _schedules.pop(paper_id, None)  # read again next time, in case it changed
        return None
    return row[0]


def _claim_prepared(paper: Paper, user: User, now: datetime) -> int | None:
    params = {"b_paper": paper.id, "b_user": user.id, "b_now": now,
              "b_deadline": _deadline(paper, now)}  # fmt: skip
    end_reads()  # SQLite: the write lock is taken for this one UPDATE, not the request
    try:
        claimed = db.session.connection().execute(_CLAIM, params).scalar()
    except IntegrityError:
        # They started this version on the spot meanwhile (the cron job prepared theirs
        # after that start read): the unique (paper, user, number) refused a second one.
        db.session.rollback()
        return None
    if claimed is None:
        db.session.rollback()
        return None
    db.session.commit()
    return claimed


def _check_may_sit(paper: Paper, user: User) -> None:
    if not user.has_role(Role.STAFF):
        raise NotAllowed("只有客服人员可以参加考试。")
    if not may_sit(paper, user):
        raise NotAllowed("您不在这份试卷的考试名单中。")


def start_attempt(paper: Paper, user: User, now: datetime | None = None) -> Attempt:
    """Start, or resume, `user`'s attempt; the drawn items are frozen in it (on the spot,
    when nothing was prepared for them)."""
    now = now or utcnow()
    _check_may_sit(paper, user)
    latest = find_attempt(paper, user)
    if latest is not None:
        close_if_overdue(latest, now)
        if latest.status == "in_progress":
            return latest
        if latest.number >= paper.attempts_allowed:
            raise ServiceError(f"这份试卷最多可作答 {paper.attempts_allowed} 次，您已全部用完。")
    if paper.status != "published":
        raise ServiceError("这份试卷尚未发布或已关闭。")
    if now < paper.opens_at:
        raise ServiceError("考试尚未开始，请在开放时间内进入。")
    if now >= paper.closes_at:
        raise ServiceError("考试已经结束，不能再开始作答。")

    attempt, rows = new_attempt_rows(paper, secrets.randbits(31), now)
    attempt.user_id = user.id
    attempt.number = (latest.number + 1) if latest else 1
    db.session.add(attempt)
    try:
        db.session.flush()
    except IntegrityError:
        # Two tabs pressed "开始" at once: the other one won; use its attempt.
        db.session.rollback()
        existing = find_attempt(paper, user)
        if existing is None:
            raise
        return existing
    # One multi-row INSERT for the items: the unit of work would send 100 single-row
    # INSERTs ... RETURNING id, which nothing here needs.
    db.session.execute(
        insert(AttemptItem), [dict(row, attempt_id=attempt.id) for row in stored_rows(rows)]
    )
    db.session.commit()
    return attempt


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
        _refuse(claim, ServiceError("没有这场考试。", status=404))
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


def _refuse_late(attempt_id: int, now: datetime, claim: SessionClaim | None = None) -> NoReturn:
    if claim is not None:
        claim.verify()  # before closing anything on a cookie's word
    attempt = db.session.get(Attempt, attempt_id)
    close_if_overdue(attempt, now)
    attempt_layouts.forget(attempt_id)
    raise SaveRefused("考试时间已到，此答案未被接受；此前已保存的答案已自动交卷。", attempt.status)
