"""The staff member's result page: a summary first, then each item marked right, partly
right or wrong.

Layout only: what is shown when (scores, keys, 解析) is decided by the route exactly as
before; this shapes what the route already decided to show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from exam_app.models import AttemptItem

OUTCOMES = ("right", "partial", "wrong")
COUNT_LABELS = {"right": "正确", "partial": "部分正确", "wrong": "错误"}
# Per item: objective items are right or wrong; an essay earns full, some or no marks.
ITEM_LABELS = {
    "right": "正确", "partial": "部分正确", "wrong": "错误", "uncounted": "未计分",
}  # fmt: skip
ESSAY_LABELS = {"right": "满分", "partial": "部分得分", "wrong": "未得分", "uncounted": "未计分"}


def outcome(item: AttemptItem) -> str:
    if not item.counted:
        return "uncounted"
    score = item.score or Decimal(0)
    if score >= item.points:
        return "right"
    return "partial" if score > 0 else "wrong"


def outcome_label(item: AttemptItem, known: str | None = None) -> str:
    """`known`: the item's outcome when the caller has it already."""
    return (ESSAY_LABELS if item.kind == "essay" else ITEM_LABELS)[known or outcome(item)]


@dataclass
class SectionSummary:
    position: int
    title: str
    score: Decimal = Decimal(0)
    max: Decimal = Decimal(0)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))


@dataclass(frozen=True)
class ResultSummary:
    sections: list[SectionSummary]
    counts: dict[str, int]  # right / partial / wrong over counted items

    @property
    def lost_points(self) -> int:
        return self.counts["partial"] + self.counts["wrong"]


def summarise(items: list[AttemptItem]) -> ResultSummary:
    by_section: dict[int, SectionSummary] = {}
    counts = dict.fromkeys(OUTCOMES, 0)
    for item in items:
        section = by_section.setdefault(
            item.section_position, SectionSummary(item.section_position, item.section_title)
        )
        kind = outcome(item)
        if kind == "uncounted":  # 任选 items beyond the chosen number carry no points
            continue
        section.score += item.score or Decimal(0)
        section.max += item.points
        section.counts[kind] += 1
        counts[kind] += 1
    return ResultSummary([by_section[k] for k in sorted(by_section)], counts)


def summary_of(sections) -> ResultSummary:
    """The same summary from the database's counts per section (services/result_sections.py),
    for the page where 交卷 lands: the items themselves are not read there."""
    summaries, counts = [], dict.fromkeys(OUTCOMES, 0)
    for s in sections:
        by_outcome = {"right": s.right, "partial": s.partial, "wrong": s.wrong}
        summaries.append(SectionSummary(s.position, s.title, s.score, s.max, by_outcome))
        for key in OUTCOMES:
            counts[key] += by_outcome[key]
    return ResultSummary(summaries, counts)


def waiting_message(status: str, has_essay: bool) -> str:
    """What a submitted attempt whose result is not out yet is waiting for."""
    if status == "submitted" and has_essay:
        return "客观题已自动评分；主观题正在评阅，评阅完成后公布成绩和解析。"
    if status == "graded":
        return "已评分完毕，成绩和解析由培训负责人统一公布后可查看。"
    return "已交卷，正在评分，成绩公布后可在此查看。"
