"""「我的考试」: the papers a person must sit, each with their latest attempt, in one query.

Every candidate opens this page in the same minute when the window opens, so it reads the
papers, whether this person may sit each (the audience, in SQL) and their attempts at every
version of each paper in one statement of plain columns. Only an attempt found open past
its deadline is loaded as an object, to be closed (services/submission.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from exam_app.database import read_alone
from exam_app.extensions import db
from exam_app.models import Attempt, Paper
from exam_app.models.attempts import ATTEMPT_STATUS_LABELS
from exam_app.services.audience import audience_allows
from exam_app.services.sign_in import SIGNED_IN_ROW, SessionClaim
from exam_app.services.submission import close_if_overdue, grace


@dataclass(frozen=True)
class PaperLine:
    id: int
    title: str
    kind: str
    quarter: str
    status: str
    opens_at: datetime
    closes_at: datetime
    time_limit_minutes: int
    attempts_allowed: int

    def is_open(self, now: datetime) -> bool:
        return self.status == "published" and self.opens_at <= now < self.closes_at

    def is_coming(self, now: datetime) -> bool:
        return self.status == "published" and now < self.opens_at


@dataclass(frozen=True)
class AttemptLine:
    id: int
    paper_id: int
    number: int
    status: str
    deadline_at: datetime
    total: Decimal | None
    max_total: Decimal
    passed: bool | None

    @property
    def status_label(self) -> str:
        return ATTEMPT_STATUS_LABELS[self.status]


_version = aliased(Paper)
Rows = list[tuple[PaperLine, AttemptLine | None, bool]]  # paper, latest attempt, may start
_me = SIGNED_IN_ROW
# Built once (building it cost more than running it): who is signed in (sign_in.SIGNED_IN_ROW),
# then every version of each paper, whether this person may sit it (the audience, in SQL),
# and their attempts at any version: the page is one statement; no row at all when the
# session is not open.
_ROWS_SIGNED_IN = (
    select(*_me.c,
           Paper.id, Paper.title, Paper.kind, Paper.quarter, Paper.status, Paper.opens_at,
           Paper.closes_at, Paper.time_limit_minutes, Paper.attempts_allowed,
           audience_allows(Paper.id, _me.c.id, _me.c.department_id).label("may_sit"),
           Attempt.id, Attempt.paper_id, Attempt.number, Attempt.status, Attempt.deadline_at,
           Attempt.total, Attempt.max_total, Attempt.passed)
    .select_from(_me)
    .outerjoin(Paper, Paper.status.in_(("published", "closed")))
    .outerjoin(_version, func.coalesce(_version.lineage_id, _version.id)
               == func.coalesce(Paper.lineage_id, Paper.id))
    .outerjoin(Attempt, and_(Attempt.paper_id == _version.id, Attempt.user_id == _me.c.id))
    .order_by(Paper.opens_at.desc(), Paper.id, Attempt.number)
)  # fmt: skip
_ME = len(_me.c)


def rows_for_claim(claim: SessionClaim, now: datetime) -> Rows | None:
    """「我的考试」 for what the signed cookie claims, with the session checked in the same
    statement. The person read with the rows is handed to the claim (SessionClaim.adopt),
    which then answers the page's header and role checks with no query of its own. None
    when the session is not open, or the person may not see the page (the view asks the
    claim why), before anything is closed on their behalf."""
    found = read_alone(_ROWS_SIGNED_IN, {"b_user": claim.id, **claim.params})
    if not claim.let_in_by(found[0] if found else None):
        return None
    return _lines([row[_ME:] for row in found if row[_ME] is not None], now)


def _lines(found, now: datetime) -> Rows:
    papers: dict[int, tuple[PaperLine, bool]] = {}
    latest: dict[int, AttemptLine] = {}
    for row in found:
        paper = PaperLine(*row[:9])
        papers.setdefault(paper.id, (paper, bool(row[9])))
        if row[10] is not None:
            latest[paper.id] = AttemptLine(*row[10:])  # ordered by number: the last is latest
    rows = []
    for paper, may_sit in papers.values():
        attempt = latest.get(paper.id)
        if attempt is not None and attempt.status == "in_progress" \
                and now > attempt.deadline_at + grace():  # fmt: skip
            attempt = _closed(attempt, now)
        if attempt is not None and attempt.paper_id != paper.id and paper.status == "closed":
            continue  # an old version: the row of the version they sat shows it
        if attempt is None and not (may_sit and (paper.is_open(now) or paper.is_coming(now))):
            continue  # only what they may sit, open now or still to open (the waiting room)
        can_start = (
            paper.is_open(now)
            and may_sit
            and (attempt is None or (attempt.status != "in_progress"
                                     and attempt.number < paper.attempts_allowed))
        )  # fmt: skip
        rows.append((paper, attempt, can_start))
    return rows


def _closed(line: AttemptLine, now: datetime) -> AttemptLine:
    attempt = db.session.get(Attempt, line.id)
    close_if_overdue(attempt, now)
    return AttemptLine(attempt.id, attempt.paper_id, attempt.number, attempt.status,
                       attempt.deadline_at, attempt.total, attempt.max_total, attempt.passed)  # fmt: skip
