"""Summaries of results and items, from plain rows the services read in grouped queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from exam_app.grading.item_analysis import ItemStats, item_statistics
from exam_app.grading.rubric import level_label
from exam_app.grading.true_false import parse_judgement

NO_DEPARTMENT = "（未分配部门）"
BINS = 10  # histogram of 得分率 in steps of 10 %


@dataclass(frozen=True)
class ResultRow:
    department: str | None
    total: Decimal
    max_total: Decimal
    passed: bool


@dataclass(frozen=True)
class Summary:
    label: str
    count: int
    mean: Decimal | None  # mean total, two decimals
    pass_rate: Decimal | None  # percent, one decimal


@dataclass(frozen=True)
class ItemRow:
    attempt_id: int
    question_id: int
    score: Decimal
    points: Decimal
    response: object


@dataclass(frozen=True)
class ItemReport:
    question_id: int
    count: int
    points: Decimal
    stats: ItemStats


def _round(value: Decimal, places: str) -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def summarise(label: str, rows: Sequence[ResultRow]) -> Summary:
    if not rows:
        return Summary(label, 0, None, None)
    mean = sum((r.total for r in rows), Decimal(0)) / len(rows)
    rate = Decimal(100) * sum(1 for r in rows if r.passed) / len(rows)
    return Summary(label, len(rows), _round(mean, "0.01"), _round(rate, "0.1"))


def by_department(rows: Iterable[ResultRow]) -> list[Summary]:
    groups: dict[str, list[ResultRow]] = defaultdict(list)
    for row in rows:
        groups[row.department or NO_DEPARTMENT].append(row)
    return [summarise(name, groups[name]) for name in sorted(groups)]


def histogram(rows: Iterable[ResultRow], bins: int = BINS) -> list[int]:
    """Counts per band of 得分率 (total / full marks): [0,10), [10,20) … [90,100]."""
    counts = [0] * bins
    for row in rows:
        if row.max_total <= 0:
            continue
        share = row.total / row.max_total
        counts[min(bins - 1, max(0, int(share * bins)))] += 1
    return counts


def analyse_items(rows: Iterable[ItemRow], totals: dict[int, Decimal]) -> list[ItemReport]:
    """Moodle's statistics per bank item, over the attempts that drew it.

    Attempts of one paper may draw different items, so each item is analysed on its own:
    its mark against the rest of the same attempt (total - mark). item_statistics on the
    two columns [mark, rest] gives exactly Moodle's figures for the first column.
    """
    marks: dict[int, list[list[Decimal]]] = defaultdict(list)
    points: dict[int, Decimal] = {}
    for row in rows:
        marks[row.question_id].append([row.score, totals[row.attempt_id] - row.score])
        points[row.question_id] = max(points.get(row.question_id, Decimal(0)), row.points)
    reports = []
    for qid, pairs in marks.items():
        # The rest's maximum only feeds the second column's statistics, which are dropped.
        stats = item_statistics(pairs, [points[qid], Decimal(1)])[0]
        reports.append(ItemReport(qid, len(pairs), points[qid], stats))
    return reports


@dataclass(frozen=True)
class OptionCount:
    label: str
    text: str
    count: int
    is_key: bool


def option_counts(snapshot: dict, responses: Iterable[object]) -> list[OptionCount] | None:
    """How many chose each option of a choice item (the key marked); None for other kinds.

    Responses are stored with the bank's labels, also when options were shuffled.
    """
    kind, key = snapshot.get("kind"), snapshot.get("key") or {}
    if kind == "tf":
        answer = parse_judgement(key.get("answer"))
        picks = [parse_judgement(r) for r in responses]
        return [
            OptionCount("正确", "正确", picks.count(True), answer is True),
            OptionCount("错误", "错误", picks.count(False), answer is False),
        ]
    if kind not in ("single", "multi"):
        return None
    keys = set(key.get("answers") or []) if kind == "multi" else {key.get("answer")}
    tally: dict[str, int] = defaultdict(int)
    for response in responses:
        chosen = response if isinstance(response, list) else [response]
        for label in chosen:
            if isinstance(label, str):
                tally[label] += 1
    return [
        OptionCount(o["label"], o["text"], tally[o["label"]], o["label"] in keys)
        for o in snapshot.get("options") or []
    ]


@dataclass(frozen=True)
class LevelCount:
    label: str
    points: str
    count: int


@dataclass(frozen=True)
class CriterionLevels:
    """How often each level of one criterion was chosen (by the marks the scores rest on)."""

    title: str
    levels: list[LevelCount]
    other: int  # marks on levels this version of the rubric does not have (an older version)

    def text(self) -> str:
        parts = [f"{lv.label} {lv.count}" for lv in self.levels]
        if self.other:
            parts.append(f"其他版本的档次 {self.other}")
        return f"{self.title}：{'、'.join(parts)}"


def chosen_levels(rubric: list[dict], marks: dict[str, object]) -> dict[str, str | None]:
    """Criterion id -> the label of the level a review's mark chose, in the rubric the answer
    was marked on (its own snapshot); criteria without levels are left out."""
    return {
        c["id"]: level_label(c, marks[c["id"]])
        for c in rubric
        if c.get("levels") and c["id"] in marks
    }


def level_counts(
    snapshot: dict, chosen: Iterable[dict[str, str | None]]
) -> list[CriterionLevels] | None:
    """Per criterion marked by levels in `snapshot`, how many marks chose each level; None when
    its rubric has no levels. `chosen` holds one chosen_levels() per counted review."""
    levelled = [c for c in snapshot.get("rubric") or [] if c.get("levels")]
    if not levelled:
        return None
    tally: dict[tuple[str, str | None], int] = defaultdict(int)
    for review in chosen:
        for cid, label in review.items():
            tally[(cid, label)] += 1
    result = []
    for c in levelled:
        labels = [lv["label"] for lv in c["levels"]]
        other = sum(
            n for (cid, label), n in tally.items() if cid == c["id"] and label not in labels
        )
        result.append(
            CriterionLevels(
                c["title"],
                [
                    LevelCount(lv["label"], lv["points"], tally[(c["id"], lv["label"])])
                    for lv in c["levels"]
                ],
                other,
            )
        )
    return result


@dataclass(frozen=True)
class MasteryRow:
    department: str | None
    topic: str
    score: Decimal
    points: Decimal


def topic_mastery(rows: Iterable[MasteryRow]) -> tuple[list[str], list[str], dict]:
    """Departments, topics and {(department, topic): 得分率 %}: the points won in a topic over
    the points it offered, across all attempts of the department (a points-weighted mean)."""
    won: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    offered: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for row in rows:
        cell = (row.department or NO_DEPARTMENT, row.topic)
        won[cell] += row.score
        offered[cell] += row.points
    table = {
        cell: _round(Decimal(100) * won[cell] / total, "0.1")
        for cell, total in offered.items()
        if total > 0
    }
    departments = sorted({d for d, _ in offered})
    topics = sorted({t for _, t in offered})
    return departments, topics, table
