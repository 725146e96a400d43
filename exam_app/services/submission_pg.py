"""The submission's writes on PostgreSQL, joined where PostgreSQL allows it.

Each statement is a round trip to a server that shares the machine at the rush
(postgres_trips.py). On SQLite a statement costs no trip, and SQLite has no writable CTEs,
so submission.py keeps its separate statements there; on PostgreSQL:
- every item's score and the score events made from them are one statement: the scores
  arrive as four arrays (unnest), the UPDATE returns what it wrote and the INSERT of the
  events reads that (instead of an executemany, which psycopg pipelines with a sync of its
  own, and an INSERT ... SELECT after it);
- an all-objective submission's result and its staff-file row join that statement
  (`recorded`): the row is inserted only if the UPDATE found the attempt still submitted,
  exactly as separate statements did in order; one statement less to render, bind and
  plan (bench/cost_ab.py: the submission 4 % cheaper);
- the arrays go as PostgreSQL's own array text, which psycopg passes as it is.
What is written is the same row for row; the submission tests run on both databases.
"""

from __future__ import annotations

import json
from decimal import Decimal

from exam_app.grading import AUTO_KINDS

_AUTO = ", ".join(f"'{kind}'" for kind in sorted(AUTO_KINDS))  # fixed names, not input
_SCORES = """
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
)"""
_EVENTS = f"""
INSERT INTO score_events (attempt_item_id, score, source, actor_id, reason, created_at)
SELECT s.id, s.score, 'auto', NULL,
       CASE WHEN s.kind IN ({_AUTO}) THEN '客观题自动评分' ELSE '未作答' END, %(now)s
  FROM s
 WHERE s.counted AND s.score IS NOT NULL
 ORDER BY s.position
"""
SCORES_AND_EVENTS = _SCORES + _EVENTS


def scores_and_events(attempt_id: int, items, now) -> tuple[str, dict]:
    """The statement and its parameters (in psycopg's own terms)."""
    cent = Decimal("0.01")
    return SCORES_AND_EVENTS, {
        "ids": array_text(i.id for i in items),
        "scores": array_text(None if i.score is None else i.score.quantize(cent) for i in items),
        "counted": array_text(i.counted for i in items),
        "review": array_text(i.needs_review for i in items),
        "attempt_id": attempt_id,
        "now": now,
    }


def array_text(values) -> str:
    """An array as PostgreSQL writes one ('{1,2,NULL}'), for the statement's cast to read:
    psycopg adapts a list element by element in Python (0.27 ms for four arrays of a
    hundred, against 0.04 ms for this); ints, Decimals and bools written by str() need no
    quoting."""
    return "{" + ",".join("NULL" if v is None else str(v) for v in values) + "}"


# The rest of an all-objective submission joined to the scores and their events: the
# result, and its staff-file row where it goes into one, inserted only if the UPDATE found
# the attempt still submitted (as the statements did in order). One statement instead of
# two in the same round trip: a statement less to render, bind and plan.
_GRADED = """
UPDATE attempts
   SET status = %(b_status)s, graded_at = %(now)s, total = %(b_total)s,
       passed = %(b_passed)s, released_at = %(b_released)s
 WHERE attempts.id = %(attempt_id)s AND attempts.status = 'submitted'
"""
RECORDED = f"{_SCORES}, e AS ({_EVENTS}){_GRADED}"
RECORDED_AND_FILED = f"""{_SCORES}, e AS ({_EVENTS}), graded AS ({_GRADED} RETURNING attempts.id
)
INSERT INTO quarter_results (user_id, quarter, attempt_id, paper_title, total, max_total,
                             passed, sections, recorded_at)
SELECT %(q_user_id)s, %(q_quarter)s, graded.id, %(q_paper_title)s, %(q_total)s, %(q_max_total)s,
       %(q_passed)s, %(q_sections)s::json, %(q_recorded_at)s
  FROM graded
"""


def recorded(attempt_id: int, items, now, result: dict, filed: dict | None) -> tuple[str, dict]:
    """Scores, events, the result and (`filed`) its staff-file row: one statement."""
    statement, params = scores_and_events(attempt_id, items, now)
    params.update(result)
    if filed is None:
        return RECORDED, params
    return RECORDED_AND_FILED, {**params, **filed, "q_sections": json.dumps(filed["q_sections"])}
