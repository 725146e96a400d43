"""The submission's writes on PostgreSQL, joined where PostgreSQL allows it.

Each statement is a round trip to a server that shares the machine at the rush
(postgres_trips.py). On SQLite a statement costs no trip, and SQLite has no writable CTEs,
so submission.py keeps its separate statements there; on PostgreSQL:
- every item's score and the score events made from them are one statement: the scores
  arrive as four arrays (unnest), the UPDATE returns what it wrote and the INSERT of the
  events reads that (instead of an executemany, which psycopg pipelines with a sync of its
  own, and an INSERT ... SELECT after it);
- the result and its staff-file row are one statement: the row is inserted only if the
  UPDATE found the attempt still submitted, exactly as the two statements did in order.
What is written is the same row for row; the submission tests run on both databases.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import bindparam, insert, select, update

from exam_app.grading import AUTO_KINDS
from exam_app.models import Attempt, QuarterResult

_AUTO = ", ".join(f"'{kind}'" for kind in sorted(AUTO_KINDS))  # fixed names, not input
SCORES_AND_EVENTS = f"""
WITH v AS (
    SELECT * FROM unnest(%(ids)s::integer[], %(scores)s::numeric[], %(counted)s::boolean[],
                         %(review)s::boolean[]) AS v(id, score, counted, needs_review)
), s AS (
    UPDATE attempt_items
       SET score = v.score, counted = v.counted, needs_review = v.needs_review
      FROM v
     WHERE attempt_items.id = v.id AND attempt_items.attempt_id = %(attempt_id)s
    RETURNING attempt_items.id, attempt_items.score, attempt_items.kind,
              attempt_items.position, attempt_items.counted
)
INSERT INTO score_events (attempt_item_id, score, source, actor_id, reason, created_at)
SELECT s.id, s.score, 'auto', NULL,
       CASE WHEN s.kind IN ({_AUTO}) THEN '客观题自动评分' ELSE '未作答' END, %(now)s
  FROM s
 WHERE s.counted AND s.score IS NOT NULL
 ORDER BY s.position
"""


def scores_and_events(attempt_id: int, items, now) -> tuple[str, dict]:
    """The statement and its parameters (in psycopg's own terms)."""
    cent = Decimal("0.01")
    return SCORES_AND_EVENTS, {
        "ids": [i.id for i in items],
        "scores": [None if i.score is None else i.score.quantize(cent) for i in items],
        "counted": [i.counted for i in items],
        "review": [i.needs_review for i in items],
        "attempt_id": attempt_id,
        "now": now,
    }


_a, _q = Attempt.__table__, QuarterResult.__table__
_graded = (
    update(_a)
    .where(_a.c.id == bindparam("attempt_id"), _a.c.status == "submitted")
    .values(status=bindparam("b_status"), graded_at=bindparam("now"), total=bindparam("b_total"),
            passed=bindparam("b_passed"), released_at=bindparam("b_released"))
    .returning(_a.c.id)
    .cte("graded")
)  # fmt: skip
_FILED = ("user_id", "quarter", "paper_title", "total", "max_total", "passed", "sections",
          "recorded_at")  # fmt: skip
RESULT_AND_FILE = insert(_q).from_select(
    [*_FILED, "attempt_id"],
    select(*(bindparam(f"q_{c}", type_=_q.c[c].type) for c in _FILED), _graded.c.id),
)
