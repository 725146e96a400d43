"""Attempts drawn before the window opens, so that starting one at the rush costs one UPDATE.

The quarterly exam is started by the whole centre in the same minute. Everything a start
does that does not depend on that moment (the draw, each item's frozen snapshot, the rows)
is done here beforehand: by `flask prepare-attempts` from cron (a few minutes apart) or
right after publishing. A prepared attempt is an ordinary attempt row with status
"prepared", no user_id (so nothing that lists a person's attempts sees it) and
reserved_for_id naming its person; starting it sets user_id, the start time and the
deadline (services/attempts.py). The guarantees are those of a start on the spot: the draw
is reproducible from the stored seed and draw log, least-used items first (counted over
the attempts prepared so far), items frozen at the version drawn; whether the person may
sit is checked again at the start; and a paper whose sections or items changed since is
prepared again (its fingerprint no longer matches).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, func, insert, select

from exam_app.extensions import db
from exam_app.models import Attempt, AttemptItem, Paper
from exam_app.models.base import utcnow
from exam_app.services.audience import sitters_query
from exam_app.services.item_snapshots import stored_rows
from exam_app.services.paper_sections import pool

# Prepared this long before a paper opens (and while it is open, for late additions).
PREPARE_AHEAD = timedelta(hours=24)
# People per transaction: on SQLite a batch holds the write lock, so keep it short when
# the cron job runs beside a sitting.
BATCH = 50


def fingerprint(paper: Paper) -> str:
    """What a prepared attempt of `paper` was drawn from: the paper's sections and the
    version of every item they hold or may draw."""
    parts: list = [paper.id, paper.shuffle_items, paper.shuffle_options, paper.multi_rule]
    for s in paper.sections:
        questions = [i.question for i in s.items] if s.mode != "draw" else pool(s)
        parts.append([
            s.position, s.title, s.mode, s.draw_count, str(s.points_each), s.choose_count,
            s.multi_rule, s.fill_rule,
            [(i.question_id, str(i.points), i.rule) for i in s.items],
            [(q.id, q.version, q.case.version if q.case else None) for q in questions],
        ])  # fmt: skip
    return hashlib.sha1(json.dumps(parts, default=str).encode()).hexdigest()


def discard(paper_ids: list[int] | None = None, stale_for: tuple[int, str] | None = None) -> int:
    """Delete prepared attempts: of these papers, or of one paper whose fingerprint is not
    the given one. Nobody has seen them, so nothing is lost."""
    where = [Attempt.status == "prepared"]
    if paper_ids is not None:
        where.append(Attempt.paper_id.in_(paper_ids))
    if stale_for is not None:
        where += [Attempt.paper_id == stale_for[0], Attempt.prepared_from != stale_for[1]]
    ids = db.session.scalars(select(Attempt.id).where(*where)).all()
    for chunk in range(0, len(ids), 500):
        part = ids[chunk : chunk + 500]
        db.session.execute(delete(AttemptItem).where(AttemptItem.attempt_id.in_(part)))
        db.session.execute(delete(Attempt).where(Attempt.id.in_(part)))
    db.session.commit()
    return len(ids)


def _unprepared_sitters(paper: Paper) -> list[int]:
    """Who must sit `paper` and has neither an attempt at it (any version) nor a prepared one."""
    lineage = select(Paper.id).where(
        (Paper.lineage_id == paper.lineage) | (Paper.id == paper.lineage)
    )
    sat = select(Attempt.user_id).where(Attempt.paper_id.in_(lineage), Attempt.user_id.is_not(None))
    reserved = select(Attempt.reserved_for_id).where(
        Attempt.paper_id == paper.id, Attempt.status == "prepared"
    )
    ids = [u.id for u in db.session.scalars(sitters_query(paper)).unique()]
    taken = set(db.session.scalars(reserved)) | set(db.session.scalars(sat))
    return [i for i in ids if i not in taken]


def prepare(paper: Paper, now: datetime | None = None, limit: int | None = None) -> int:
    """Prepare an attempt for everyone who must sit `paper` and has none; returns how many."""
    from exam_app.services.attempts import new_attempt_rows  # the start's own row builder

    now = now or utcnow()
    if paper.status != "published" or paper.kind != "exam" or now >= paper.closes_at:
        return 0
    mark = fingerprint(paper)
    discard(stale_for=(paper.id, mark))
    people = _unprepared_sitters(paper)[:limit]
    if not people:
        db.session.commit()
        return 0
    uses: dict[int, int] = {}
    snapshots: dict[int, dict] = {}
    stored: dict[str, int] = {}  # snapshot digest -> id, across the batch
    made = 0
    for chunk in range(0, len(people), BATCH):
        for user_id in people[chunk : chunk + BATCH]:
            attempt, rows = new_attempt_rows(paper, secrets.randbits(31), now, uses, snapshots)
            attempt.status, attempt.reserved_for_id, attempt.prepared_from = (
                "prepared",
                user_id,
                mark,
            )
            db.session.add(attempt)
            db.session.flush()
            db.session.execute(
                insert(AttemptItem),
                [dict(r, attempt_id=attempt.id) for r in stored_rows(rows, stored)],
            )
            made += 1
        db.session.commit()
    return made


def prepare_due(now: datetime | None = None, ahead: timedelta = PREPARE_AHEAD) -> int:
    """The cron job: prepare every exam paper that opens within `ahead` or is open now, and
    drop prepared attempts nobody can start any more (paper closed, window over)."""
    now = now or utcnow()
    gone = db.session.scalars(
        select(Attempt.paper_id)
        .distinct()
        .join(Paper, Paper.id == Attempt.paper_id)
        .where(
            Attempt.status == "prepared", (Paper.status != "published") | (Paper.closes_at <= now)
        )
    ).all()
    if gone:
        discard(list(gone))
    due = db.session.scalars(
        select(Paper.id).where(
            Paper.status == "published", Paper.kind == "exam",
            Paper.opens_at <= now + ahead, Paper.closes_at > now,
        )
    ).all()  # fmt: skip
    made = sum(prepare(db.session.get(Paper, paper_id), now) for paper_id in due)
    db.session.commit()  # end the reads too: a flask command's transaction holds the write lock
    return made


# Publishing prepares this many people at once (a few seconds); cron does the rest.
AT_PUBLISH = 300


def prepare_after_publish(paper: Paper, now: datetime | None = None) -> tuple[int, int]:
    """Right after a lead publishes: prepare up to AT_PUBLISH people if the paper opens within
    PREPARE_AHEAD. Returns (prepared now, still to prepare by `flask prepare-attempts`)."""
    now = now or utcnow()
    if paper.kind != "exam" or paper.opens_at > now + PREPARE_AHEAD:
        return 0, 0
    made = prepare(paper, now, limit=AT_PUBLISH)
    return made, len(_unprepared_sitters(paper))


def prepared_count(paper: Paper) -> int:
    return (
        db.session.scalar(
            select(func.count()).where(Attempt.paper_id == paper.id, Attempt.status == "prepared")
        )
        or 0
    )
