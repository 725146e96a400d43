"""Reading reports for a paper or a quarter: a fixed handful of grouped queries per report,
however many people sat it (the rows are summarised in exam_app/reporting)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from exam_app.extensions import db
from exam_app.grading.item_analysis import ItemStats
from exam_app.models import Attempt, AttemptItem, Department, ItemSnapshot, Paper, Review, User
from exam_app.reporting import analysis
from exam_app.reporting.analysis import (
    CriterionLevels,
    ItemRow,
    MasteryRow,
    OptionCount,
    ResultRow,
    Summary,
)

# Leads read reports before releasing results (a dubious key is best caught then), so the
# reports count graded attempts as well as released ones. HR's exports use released results.
COUNTED_STATUSES = ("graded", "released")
KIND_LABELS = {"single": "单选", "multi": "多选", "tf": "判断", "fill": "填空", "essay": "简答"}


@dataclass(frozen=True)
class Scope:
    paper: Paper | None = None
    quarter: str | None = None

    @property
    def title(self) -> str:
        return (
            f"{self.paper.title}（{self.paper.quarter}）" if self.paper else f"{self.quarter} 季度"
        )

    def conditions(self) -> list:
        where = [Attempt.status.in_(COUNTED_STATUSES), Paper.kind == "exam"]
        if self.paper is not None:
            where.append(Attempt.paper_id == self.paper.id)
        else:
            where.append(Paper.quarter == self.quarter)
        return where


@dataclass(frozen=True)
class ItemLine:
    uid: str
    kind: str
    topic: str
    stem: str
    count: int
    points: Decimal
    stats: ItemStats
    options: list[OptionCount] | None
    levels: list[CriterionLevels] | None = None  # essays whose rubric has levels

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


@dataclass(frozen=True)
class Report:
    scope: Scope
    overall: Summary
    departments: list[Summary]
    histogram: list[int]
    items: list[ItemLine]
    mastery: tuple[list[str], list[str], dict]


def _attempts(scope: Scope) -> dict[int, tuple[ResultRow, str | None]]:
    rows = db.session.execute(
        select(Attempt.id, Attempt.total, Attempt.max_total, Attempt.passed, Department.name)
        .join(Paper, Attempt.paper_id == Paper.id)
        .join(User, Attempt.user_id == User.id)
        .outerjoin(Department, User.department_id == Department.id)
        .where(*scope.conditions())
    ).all()
    return {
        aid: (ResultRow(dept, total or Decimal(0), max_total, bool(passed)), dept)
        for aid, total, max_total, passed, dept in rows
    }


def _item_rows(scope: Scope) -> list[ItemRow]:
    rows = db.session.execute(
        select(
            AttemptItem.attempt_id,
            AttemptItem.question_id,
            AttemptItem.score,
            AttemptItem.points,
            AttemptItem.response,
        )
        .join(Attempt, AttemptItem.attempt_id == Attempt.id)
        .join(Paper, Attempt.paper_id == Paper.id)
        # "任选" items beyond the chosen number were not part of the attempt's total.
        .where(*scope.conditions(), AttemptItem.counted, AttemptItem.question_id.is_not(None))
    ).all()
    return [ItemRow(a, q, s or Decimal(0), p, r) for a, q, s, p, r in rows]


def _chosen_levels(scope: Scope) -> dict[int, list[dict]]:
    """Per bank item, the levels its counted reviews chose, each read in the rubric its
    answer was marked on (attempts may hold different versions): two queries."""
    rows = db.session.execute(
        select(AttemptItem.question_id, AttemptItem.snapshot_id, Review.criteria)
        .join(Review, Review.attempt_item_id == AttemptItem.id)
        .join(Attempt, AttemptItem.attempt_id == Attempt.id)
        .join(Paper, Attempt.paper_id == Paper.id)
        .where(
            *scope.conditions(),
            AttemptItem.counted,
            AttemptItem.kind == "essay",
            Review.counted,
        )
    ).all()
    rubrics = dict(
        db.session.execute(
            select(ItemSnapshot.id, ItemSnapshot.content).where(
                ItemSnapshot.id.in_({snapshot_id for _, snapshot_id, _ in rows})
            )
        ).all()
    )
    chosen: dict[int, list[dict]] = {}
    for qid, snapshot_id, criteria in rows:
        rubric = (rubrics.get(snapshot_id) or {}).get("rubric") or []
        chosen.setdefault(qid, []).append(analysis.chosen_levels(rubric, criteria or {}))
    return chosen


def _representatives(scope: Scope) -> list[tuple[int, dict]]:
    """One snapshot per bank item (its latest drawing), in paper order: stem, options, key."""
    latest = (
        select(func.max(AttemptItem.id))
        .join(Attempt, AttemptItem.attempt_id == Attempt.id)
        .join(Paper, Attempt.paper_id == Paper.id)
        .where(*scope.conditions(), AttemptItem.counted, AttemptItem.question_id.is_not(None))
        .group_by(AttemptItem.question_id)
    )
    rows = db.session.execute(
        select(AttemptItem.question_id, ItemSnapshot.content)
        .join(ItemSnapshot, ItemSnapshot.id == AttemptItem.snapshot_id)
        .where(AttemptItem.id.in_(latest))
        .order_by(AttemptItem.section_position, AttemptItem.position, AttemptItem.question_id)
    ).all()
    return [(qid, snapshot) for qid, snapshot in rows]


def _plain(text: str, limit: int = 60) -> str:
    flat = " ".join((text or "").replace("{{", "（").replace("}}", "）").split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def build_report(scope: Scope) -> Report:
    attempts = _attempts(scope)
    results = [row for row, _ in attempts.values()]
    items = _item_rows(scope)
    snapshots = _representatives(scope)
    totals = {aid: row.total for aid, (row, _) in attempts.items()}
    stats = {r.question_id: r for r in analysis.analyse_items(items, totals)}
    levelled = any(c.get("levels") for _, snap in snapshots for c in snap.get("rubric") or [])
    chosen = _chosen_levels(scope) if levelled else {}
    responses: dict[int, list] = {}
    for row in items:
        responses.setdefault(row.question_id, []).append(row.response)
    lines = [
        ItemLine(
            uid=snap.get("uid", str(qid)),
            kind=snap.get("kind", ""),
            topic=snap.get("topic", ""),
            stem=_plain(snap.get("stem", "")),
            count=stats[qid].count,
            points=stats[qid].points,
            stats=stats[qid].stats,
            options=analysis.option_counts(snap, responses[qid]),
            levels=analysis.level_counts(snap, chosen.get(qid, [])),
        )
        for qid, snap in snapshots
    ]
    topic_of = {qid: snap.get("topic", "") for qid, snap in snapshots}
    mastery = analysis.topic_mastery(
        MasteryRow(attempts[r.attempt_id][1], topic_of[r.question_id], r.score, r.points)
        for r in items
    )
    return Report(
        scope=scope,
        overall=analysis.summarise("全部", results),
        departments=analysis.by_department(results),
        histogram=analysis.histogram(results),
        items=lines,
        mastery=mastery,
    )


def report_choices() -> tuple[list[tuple[Paper, int]], list[str]]:
    """Papers with graded attempts (and how many) and the quarters they belong to."""
    counts = (
        select(Attempt.paper_id, func.count().label("n"))
        .where(Attempt.status.in_(COUNTED_STATUSES))
        .group_by(Attempt.paper_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Paper, counts.c.n)
        .join(counts, counts.c.paper_id == Paper.id)
        .where(Paper.kind == "exam")
        .order_by(Paper.quarter.desc(), Paper.title)
    ).all()
    papers = [(paper, n) for paper, n in rows]
    quarters = sorted({paper.quarter for paper, _ in papers}, reverse=True)
    return papers, quarters
