"""The statements of a submission (services/submission.py), built once on the tables.

Core, not ORM: a hundred items per candidate, the whole centre within minutes. The claim
returns what grading and release need, the items come with their snapshot's digest (keys
come from the grader's own copy by digest), the scores are one executemany in the driver's
own terms and their events are written by the database from them. PostgreSQL joins some
of these in writable CTEs: submission_pg.py.
"""

from __future__ import annotations

from sqlalchemy import (
    String,
    Text,
    bindparam,
    case,
    cast,
    insert,
    literal,
    literal_column,
    null,
    select,
    update,
)

from exam_app.grading import AUTO_KINDS
from exam_app.models import (
    Attempt,
    AttemptItem,
    ItemSnapshot,
    Paper,
    QuarterResult,
    ResultRelease,
    ScoreEvent,
)
from exam_app.services.sign_in import open_session_clause

_a, _i = Attempt.__table__, AttemptItem.__table__
_p, _rr, _s = Paper.__table__, ResultRelease.__table__, ItemSnapshot.__table__


# Written out with table names: SQLAlchemy renders SQLite's RETURNING without them, which
# would make `result_releases.paper_id = attempts.paper_id` compare a column with itself.
OF_PAPER = [
    literal_column(
        f"(SELECT {column} FROM {table} WHERE {key} = attempts.{'id' if table == 'attempt_items' else 'paper_id'})"
    )
    for column, table, key in (
        ("papers.kind", "papers", "papers.id"),
        ("papers.quarter", "papers", "papers.id"),
        ("papers.title", "papers", "papers.id"),
        ("CAST(papers.pass_mark AS VARCHAR)", "papers", "papers.id"),
        ("papers.release_policy", "papers", "papers.id"),
        ("result_releases.state", "result_releases", "result_releases.paper_id"),
        # What grading read of the items, to tell whether it is still so (see _graded_early).
        ("sum(attempt_items.save_seq)", "attempt_items", "attempt_items.attempt_id"),
        ("sum(attempt_items.snapshot_id)", "attempt_items", "attempt_items.attempt_id"),
    )
]


# The claim returns what grading needs of the attempt (JSON and scores as stored text) and
# what release and the staff file need of its paper (the lead's release decision, else the
# paper's policy), read in the claim's own statement rather than one more after it.
def _claim(of_paper):
    return (
        update(_a)
        .where(_a.c.id == bindparam("attempt_id"), _a.c.status == "in_progress")
        .values(status="submitted", submitted_at=bindparam("now"), auto_submitted=bindparam("auto"))
        .returning(_a.c.user_id, _a.c.paper_id, cast(_a.c.sections, Text),
                   cast(_a.c.max_total, String), *of_paper)
    )  # fmt: skip


CLAIM = _claim(OF_PAPER)
# 交卷 from the page: the claim also checks that the attempt is the signed-in person's and
# their session open (sign_in.SessionClaim), so the submission begins with its first write.
CLAIM_SIGNED_IN = CLAIM.where(_a.c.user_id == bindparam("b_user"), open_session_clause())
# The same where the items are read after the claim (PostgreSQL): the two sums, which tell
# early grading whether the items changed, are not computed (two scans of the items).
CLAIM_SIGNED_IN_LATE = _claim([*OF_PAPER[:-2], null(), null()]).where(
    _a.c.user_id == bindparam("b_user"), open_session_clause()
)
# The items as stored, each with its snapshot's digest: the key comes from this worker's
# copy by digest (submission._keys_for), so no snapshot is read, let alone parsed, per item.
ITEMS = (
    select(_i.c.id, _i.c.position, _i.c.section_position, _i.c.section_title, _i.c.kind,
           cast(_i.c.points, String), cast(_i.c.response, Text), _s.c.digest,
           _i.c.save_seq, _i.c.snapshot_id)
    .join(_s, _s.c.id == _i.c.snapshot_id)
    .where(_i.c.attempt_id == bindparam("attempt_id"))
    .order_by(_i.c.position)
)  # fmt: skip
# Before the claim the attempt's sections (frozen at its start) come with the items.
ITEMS_EARLY = ITEMS.add_columns(
    select(cast(_a.c.sections, Text)).where(_a.c.id == bindparam("attempt_id")).scalar_subquery()
)
KEYS = select(_s.c.digest, _s.c.content["key"], _s.c.content["rule"].as_string()).where(
    _s.c.digest.in_(bindparam("digests", expanding=True))
)
# Every item's score in one executemany, sent as the driver takes it: a hundred rows of
# SQLAlchemy's parameter processing cost more than the database's work (see bench/).
SCORE_SQL = {
    "qmark": "UPDATE attempt_items SET score = ?, counted = ?, needs_review = ? WHERE id = ?",
    "numeric_dollar": "UPDATE attempt_items SET score = $1, counted = $2, needs_review = $3 "
    "WHERE id = $4",
    "format": "UPDATE attempt_items SET score = %s, counted = %s, needs_review = %s WHERE id = %s",
}
SCORE_SQL["pyformat"] = SCORE_SQL["format"]
# Their score events, written by the database from the scores just stored: no parameters
# per item. What set_scores would write: auto-graded items, and blank essays scored 0.
_e = ScoreEvent.__table__
EVENTS = insert(_e).from_select(
    ["attempt_item_id", "score", "source", "actor_id", "reason", "created_at"],
    select(_i.c.id, _i.c.score, literal("auto"), cast(null(), _e.c.actor_id.type),
           case((_i.c.kind.in_(sorted(AUTO_KINDS)), "客观题自动评分"), else_="未作答"),
           bindparam("now", type_=_e.c.created_at.type))
    .where(_i.c.attempt_id == bindparam("attempt_id"), _i.c.counted.is_(True),
           _i.c.score.is_not(None))
    .order_by(_i.c.position),
)  # fmt: skip
RESULT = (
    update(_a)
    .where(_a.c.id == bindparam("attempt_id"), _a.c.status == "submitted")
    .values(status=bindparam("b_status"), graded_at=bindparam("now"), total=bindparam("b_total"),
            passed=bindparam("b_passed"), released_at=bindparam("b_released"))
)  # fmt: skip
_q = QuarterResult.__table__
FILE = insert(_q).values(
    {c: bindparam(f"q_{c}") for c in ("user_id", "quarter", "attempt_id", "paper_title", "total",
                                      "max_total", "passed", "sections", "recorded_at")}
)  # fmt: skip
