"""What the page where 交卷 lands shows of the attempt, in one statement that also reads who
is signed in (sign_in.SIGNED_IN_ROW), as the exam page's heading does (attempt_page.py).

The whole centre arrives there within the submission window's minutes. Through the ORM the
page loaded the person, the attempt (its draw log and sections among its JSON columns)
with its paper, and the items' kinds for the waiting line: three statements and most of
the page's cost. Here it reads plain columns, and the section counts are the one statement
more (result_sections.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import and_, bindparam, exists, select

from exam_app.database import read_alone
from exam_app.models import Attempt, AttemptItem, Paper
from exam_app.models.attempts import ATTEMPT_STATUS_LABELS
from exam_app.services.sign_in import SIGNED_IN_ROW, SessionClaim

_a, _i, _p = Attempt.__table__, AttemptItem.__table__, Paper.__table__


@dataclass(frozen=True)
class ResultPaper:
    title: str
    kind: str
    pass_mark: Decimal
    appeal_days: int


@dataclass(frozen=True)
class ResultHead:
    """The attempt as the result page and services/appeals.py's deadline read it."""

    id: int
    user_id: int
    status: str
    candidate_code: str
    submitted_at: datetime | None
    auto_submitted: bool
    released_at: datetime | None
    total: Decimal | None
    max_total: Decimal
    passed: bool | None
    paper: ResultPaper
    other_exam_open: bool  # another exam of theirs is in progress: keys stay folded
    has_essay: bool

    @property
    def status_label(self) -> str:
        return ATTEMPT_STATUS_LABELS[self.status]


_other = _a.alias("other")
_me = SIGNED_IN_ROW
_ME = len(_me.c)
_HEAD = (
    select(*_me.c, _a.c.id, _a.c.user_id, _a.c.status, _a.c.candidate_code, _a.c.submitted_at,
           _a.c.auto_submitted, _a.c.released_at, _a.c.total, _a.c.max_total, _a.c.passed,
           _p.c.title, _p.c.kind, _p.c.pass_mark, _p.c.appeal_days,
           exists().where(_other.c.user_id == _me.c.id, _other.c.status == "in_progress",
                          _other.c.id != bindparam("attempt_id")),
           exists().where(_i.c.attempt_id == _a.c.id, _i.c.kind == "essay"))
    .select_from(_me)
    .outerjoin(_a, and_(_a.c.id == bindparam("attempt_id"), _a.c.user_id == _me.c.id))
    .outerjoin(_p, _p.c.id == _a.c.paper_id)
)  # fmt: skip


def for_claim(claim: SessionClaim, attempt_id: int) -> tuple[ResultHead | None, bool]:
    """(the attempt if it is this person's, else None; whether the session is open for the
    claim's role). The person read with it answers the claim (SessionClaim.adopt), so the
    page's header and menu ask no query of their own."""
    rows = read_alone(_HEAD, {"b_user": claim.id, "attempt_id": attempt_id, **claim.params})
    found = rows[0] if rows else None
    if not claim.let_in_by(found):
        return None, False
    if found[_ME] is None:
        return None, True
    (id_, user_id, status, code, submitted_at, auto, released_at, total, max_total, passed,
     title, kind, pass_mark, appeal_days, other_open, has_essay) = found[_ME:]  # fmt: skip
    paper = ResultPaper(title, kind, pass_mark, appeal_days)
    return ResultHead(id_, user_id, status, code, submitted_at, auto, released_at, total,
                      max_total, passed, paper, bool(other_open), bool(has_essay)), True  # fmt: skip
