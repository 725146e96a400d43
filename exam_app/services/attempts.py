"""Sitting an exam: starting it (the draw, the snapshot, or a prepared attempt claimed).

Saving answers is services/autosave.py; submitting and closing overdue attempts are
services/submission.py (re-exported here, where callers long found them).

The server owns the clock: every call takes `now` (UTC) so tests can move time, and
views pass the real time.
"""

from __future__ import annotations

import random
import secrets
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from exam_app.content.display import display_key
from exam_app.database import end_reads, run_alone_then_read
from exam_app.extensions import db
from exam_app.models import Attempt, AttemptItem, Paper, Role, User
from exam_app.models.base import utcnow
from exam_app.services.audience import audience_allows, may_sit
from exam_app.services.drawing import DrawnItem, arrange, draw_items
from exam_app.services.errors import NotAllowed, ServiceError
from exam_app.services.item_snapshots import stored_rows
from exam_app.services.sign_in import SessionClaim, open_session_clause
from exam_app.services.submission import (  # noqa: F401 (also imported from here)
    close_if_overdue,
    close_overdue,
    grace,
    submit,
)
from exam_app.web.filters import local_time

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


def claim_prepared(
    paper_id: int, claim: SessionClaim, then, now: datetime | None = None
) -> tuple[int, list] | None:
    """开始考试 at the rush: the attempt prepared for the claim's person, theirs from now,
    in one UPDATE that also checks their session (sign_in.SessionClaim). None when anything
    is not as expected (no prepared attempt, a closed session, a changed paper): the view
    then checks the session and goes the long way (`start`). Else the attempt's id, with
    the rows of `then`: a SELECT run right after the claim's COMMIT (on PostgreSQL in the
    same round trip), given the claim's parameters (b_paper, b_user, b_now: the attempt
    it started is the person's in_progress one started at b_now; and claim.params)."""
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
        # Its commit does not wait for the disk (a durable commit cost as much as the rest
        # of the start, bench/RESULTS.md): lost in a power cut, the attempt is prepared
        # again, drawn as before, and 开始作答 starts it anew; every answer saved after it
        # is a durable commit later in the same log, which makes the start durable first.
        _count, row, seen = run_alone_then_read(_CLAIM_SIGNED_IN, params, then, durable=False)
    except IntegrityError:  # started on the spot meanwhile (see _claim_prepared)
        row = None
    if row is None:
        db.session.rollback()
        _schedules.pop(paper_id, None)  # read again next time, in case it changed
        return None
    return row[0], seen


def prepared_paper(attempt_id: int, user_id: int) -> int | None:
    """The paper of an attempt prepared for this person and not started: what the address
    of a start lost in a power cut leads to (claim_prepared), so the page can send them
    back to 开始作答 instead of answering that there is no such exam."""
    return db.session.scalar(
        select(Attempt.paper_id).where(
            Attempt.id == attempt_id,
            Attempt.status == "prepared",
            Attempt.reserved_for_id == user_id,
        )
    )


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
        raise ServiceError(f"考试尚未开始，{local_time(paper.opens_at)} 开考后再点「开始作答」。")
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
