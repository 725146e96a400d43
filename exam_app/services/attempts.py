"""Sitting an exam: start (snapshot), save answers, submit, close overdue attempts.

The server owns the clock: every call takes `now` (UTC) so tests can move time, and
views pass the real time.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from exam_app.extensions import db
from exam_app.grading import AUTO_KINDS, score_item
from exam_app.models import Attempt, AttemptItem, Paper, Role, User
from exam_app.models.base import utcnow
from exam_app.services.audience import may_sit
from exam_app.services.drawing import DrawnItem, arrange, draw_items
from exam_app.services.errors import NotAllowed, ServiceError
from exam_app.services.responses import check_response
from exam_app.services.results import finalise_if_graded
from exam_app.services.scores import set_scores

# No 0/O/1/I: candidate codes are read aloud and typed by people.
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _grace() -> timedelta:
    return timedelta(seconds=current_app.config["ANSWER_GRACE_SECONDS"])


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


def build_items(paper: Paper, seed: int) -> tuple[list[dict], list[dict]]:
    """The items a candidate with this seed gets, frozen, in the order shown: the draw log
    and one row of AttemptItem columns per item (stored at once, or shown in a preview)."""
    draw = draw_items(paper, seed)
    order_rng = random.Random(seed ^ 0x5EED)  # independent of the draw, still reproducible
    rows = []
    for position, d in enumerate(
        arrange(draw.items, shuffle=paper.shuffle_items, rng=order_rng), 1
    ):
        snapshot = d.question.snapshot()
        snapshot["rule"] = _effective_rule(d, paper)
        rows.append(
            {
                "position": position,
                "section_position": d.section.position,
                "section_title": d.section.title,
                "question_id": d.question.id,
                "kind": d.question.kind,
                "points": d.points,
                "snapshot": snapshot,
                "option_order": _option_order(d.question, order_rng, paper.shuffle_options),
            }
        )
    return draw.log, rows


def start_attempt(paper: Paper, user: User, now: datetime | None = None) -> Attempt:
    """Start, or resume, `user`'s attempt; the drawn items are frozen in it."""
    now = now or utcnow()
    if not user.has_role(Role.STAFF):
        raise NotAllowed("只有客服人员可以参加考试。")
    if not may_sit(paper, user):
        raise NotAllowed("您不在这份试卷的考试名单中。")
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

    seed = secrets.randbits(31)
    draw_log, rows = build_items(paper, seed)
    attempt = Attempt(
        paper=paper,
        user=user,
        number=(latest.number + 1) if latest else 1,
        candidate_code=_candidate_code(),
        seed=seed,
        draw_log=draw_log,
        sections=_sections_snapshot(paper),
        started_at=now,
        deadline_at=min(now + timedelta(minutes=paper.time_limit_minutes), paper.closes_at),
        max_total=paper.total_points,
    )
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
    db.session.execute(insert(AttemptItem), [dict(row, attempt_id=attempt.id) for row in rows])
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
_attempts, _items = Attempt.__table__, AttemptItem.__table__
_SAVE_TARGET = (
    select(_attempts.c.status, _attempts.c.deadline_at, _items.c.id, _items.c.kind,
           _items.c.snapshot)
    .select_from(_attempts.outerjoin(_items, (_items.c.attempt_id == _attempts.c.id)
                                     & (_items.c.position == bindparam("position"))))
    .where(_attempts.c.id == bindparam("attempt_id"), _attempts.c.user_id == bindparam("user_id"))
)  # fmt: skip
# Lands only on a newer sequence number (two tabs) of an attempt still open: the check is
# part of the write, with the attempt row share-locked on PostgreSQL, so a submission
# either waits for this save and grades it, or this save sees the attempt closed.
_STILL_OPEN = (
    select(_attempts.c.id)
    .where(_attempts.c.id == _items.c.attempt_id, _attempts.c.status == "in_progress")
    .with_for_update(read=True)
)
_SAVE_UPDATE = (
    update(_items)
    .where(
        _items.c.id == bindparam("item_id"),
        _items.c.save_seq < bindparam("seq"),
        _STILL_OPEN.exists(),
    )
    .values(response=bindparam("response"), save_seq=bindparam("seq"), saved_at=bindparam("now"))
)
_SAVE_KEPT = (
    select(_attempts.c.status, _items.c.save_seq, _items.c.saved_at)
    .join(_attempts, _attempts.c.id == _items.c.attempt_id)
    .where(_items.c.id == bindparam("item_id"))
)


def save_by_id(
    attempt_id: int,
    user_id: int,
    position: Any,
    response: Any,
    seq: Any,
    now: datetime | None = None,
) -> SaveResult:
    """Autosave, the request every candidate sends every few seconds: one read, then one
    conditional UPDATE in a transaction of its own (the view is `reads_first`).

    Only the columns a save needs are read (not the attempt with its draw log and sections,
    nor the other 99 items); someone else's attempt reads as missing (404, as for pages).
    """
    now = now or utcnow()
    well_formed = isinstance(position, int) and not isinstance(position, bool)
    params = {
        "attempt_id": attempt_id,
        "user_id": user_id,
        "position": position if well_formed else 0,
    }
    connection = db.session.connection()  # the session's transaction, without the ORM layer
    row = connection.execute(_SAVE_TARGET, params).one_or_none()
    if row is None:
        raise ServiceError("没有这场考试。", status=404)
    status, deadline, item_id, kind, snapshot = row
    if status != "in_progress":
        raise SaveRefused("本场考试已交卷，不能再修改答案。", status)
    if now > deadline + _grace():
        attempt = db.session.get(Attempt, attempt_id)
        close_if_overdue(attempt, now)
        raise SaveRefused(
            "考试时间已到，此答案未被接受；此前已保存的答案已自动交卷。", attempt.status
        )
    if not well_formed:
        raise ServiceError("请求格式无效。")
    if item_id is None:
        raise ServiceError(f"本场考试没有第 {position} 题。", status=404)
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        raise ServiceError("保存序号无效。")
    value = check_response(kind, snapshot, response, f"第 {position} 题")
    # The reads end here; the write is a transaction of its own (SQLite: see database.py).
    db.session.commit()
    params = {"item_id": item_id, "seq": seq, "response": value, "now": now}
    saved = db.session.connection().execute(_SAVE_UPDATE, params).rowcount == 1
    db.session.commit()
    if saved:
        return SaveResult(saved=True, seq=seq, saved_at=now, deadline_at=deadline)
    # Not stored: the attempt closed in between, or a newer save came first.
    kept = db.session.connection().execute(_SAVE_KEPT, {"item_id": item_id}).one()
    if kept.status != "in_progress":
        raise SaveRefused("本场考试已交卷，不能再修改答案。", kept.status)
    return SaveResult(saved=False, seq=kept.save_seq, saved_at=kept.saved_at, deadline_at=deadline)


def submit(attempt: Attempt, now: datetime | None = None, *, auto: bool = False) -> bool:
    """Submit and grade once. Returns False when it had already been submitted."""
    now = now or utcnow()
    claimed = db.session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.status == "in_progress")
        .values(status="submitted", submitted_at=now, auto_submitted=auto)
        .execution_options(synchronize_session="evaluate")  # `attempt` carries the new status
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        db.session.refresh(attempt)
        return False
    items = attempt.items  # read once: scored, totalled and released from this one list
    mark_counted_choices(attempt)
    graded, blank = [], []
    for item in items:
        if not item.counted:
            continue
        if item.kind in AUTO_KINDS:
            snap = item.snapshot
            outcome = score_item(item.kind, snap["key"], item.response, item.points, snap["rule"])
            graded.append((item, outcome.score))
        elif not (item.response or "").strip():
            # Nothing to read: a blank essay scores 0 without taking a reviewer's time.
            blank.append((item, Decimal(0)))
        else:
            item.needs_review = True
    set_scores(graded, source="auto", actor=None, reason="客观题自动评分", at=now)
    set_scores(blank, source="auto", actor=None, reason="未作答", at=now)
    db.session.flush()
    finalise_if_graded(attempt, now, items)  # commits: claim, scores and result at once
    return True


def mark_counted_choices(attempt: Attempt) -> None:
    """In a "任选 k 题" section the first k answered items (in the order shown) count;
    the others are left unscored, as Chinese papers say: 多答者按题号顺序计前 k 题."""
    for section in attempt.sections or []:
        if section["mode"] != "choice":
            continue
        items = [i for i in attempt.items if i.section_position == section["position"]]
        answered = [i for i in items if i.response not in (None, "", [])]
        chosen = {i.id for i in answered[: section["choose_count"]]}
        # Fewer answered than k: unanswered items fill the quota with 0 points.
        for i in items:
            if len(chosen) >= section["choose_count"]:
                break
            chosen.add(i.id)
        for i in items:
            i.counted = i.id in chosen


def close_if_overdue(attempt: Attempt, now: datetime) -> bool:
    if attempt.status == "in_progress" and now > attempt.deadline_at + _grace():
        return submit(attempt, now, auto=True)
    return False


def close_overdue(now: datetime | None = None) -> int:
    """Submit every attempt left open past its deadline (run from cron too)."""
    now = now or utcnow()
    overdue = db.session.scalars(
        select(Attempt).where(Attempt.status == "in_progress", Attempt.deadline_at < now - _grace())
    ).all()
    return sum(1 for attempt in overdue if submit(attempt, now, auto=True))
