"""Reviewer consistency: each reviewer's marks against the others' on the same questions, and
how often their double marks disagreed beyond the paper's tolerance.

Marks are compared as percentages of the answer's points, so questions of different size mix.
"Others" are weighted like the reviewer's own work: for each of their marks, the mean the
other reviewers gave on that question; a reviewer who marks mostly one question is compared
mostly on it.
"""

import math
from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from .decimals import parse_decimal
from .errors import GradingError


@dataclass(frozen=True)
class GivenMark:
    reviewer: int
    question: Hashable
    answer: int
    slot: int  # 1 and 2: the independent markers; 3: the third marker
    score: Decimal
    points: Decimal
    tolerance: Decimal | None = None  # set when the answer was double marked


@dataclass(frozen=True)
class ReviewerConsistency:
    reviewer: int
    marks: int
    mean: float | None  # mean mark, % of the points
    spread: float | None  # sample standard deviation of those %, None under two marks
    compared: int  # marks on questions that others marked too
    others_mean: float | None  # what the others gave on the same questions, %
    others_spread: float | None
    offset: float | None  # mean difference from the others, percentage points (< 0: harsher)
    pairs: int  # double-marked answers where this reviewer gave one of the first two marks
    disagreed: int  # of those, marks further apart than the tolerance
    disagreement: float | None  # disagreed / pairs, %


@dataclass
class _Sums:
    """Count, sum and sum of squares: enough for a mean and a sample SD, and subtractable."""

    n: int = 0
    total: Fraction = Fraction(0)
    squares: Fraction = Fraction(0)

    def add(self, x: Fraction) -> None:
        self.n, self.total, self.squares = self.n + 1, self.total + x, self.squares + x * x

    def __add__(self, other: "_Sums") -> "_Sums":
        return _Sums(self.n + other.n, self.total + other.total, self.squares + other.squares)

    def __sub__(self, other: "_Sums") -> "_Sums":
        return _Sums(self.n - other.n, self.total - other.total, self.squares - other.squares)

    def mean(self) -> Fraction | None:
        return self.total / self.n if self.n else None

    def sd(self) -> float | None:
        if self.n < 2:
            return None
        variance = (self.squares - self.total * self.total / self.n) / (self.n - 1)
        return math.sqrt(variance)


def _round(value: float | Fraction | None) -> float | None:
    if value is None:
        return None
    return float(Decimal(repr(float(value))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _percent(mark: GivenMark) -> Fraction | None:
    score, points = parse_decimal(mark.score), parse_decimal(mark.points)
    if score is None or points is None or not 0 <= score <= points:
        raise GradingError(f"统计用的评分 {mark.score!r}（满分 {mark.points!r}）无效")
    return 100 * Fraction(score) / Fraction(points) if points else None


def reviewer_consistency(marks: Sequence[GivenMark]) -> list[ReviewerConsistency]:
    """One row per reviewer who gave a mark, ordered by reviewer."""
    per_question: dict[Hashable, _Sums] = defaultdict(_Sums)
    per_reviewer: dict[tuple[int, Hashable], _Sums] = defaultdict(_Sums)
    own: dict[int, list[tuple[Hashable, Fraction]]] = defaultdict(list)
    for mark in marks:
        pct = _percent(mark)
        given = own[mark.reviewer]  # listed even if all their answers were worth 0 points
        if pct is None:  # a 0-point answer says nothing about strictness
            continue
        per_question[mark.question].add(pct)
        per_reviewer[(mark.reviewer, mark.question)].add(pct)
        given.append((mark.question, pct))
    pairs, disagreed = _pairs(marks)

    rows = []
    for reviewer in sorted(own):
        # The others' marks on one question: everyone's, less this reviewer's.
        rest = {
            question: per_question[question] - per_reviewer[(reviewer, question)]
            for question, _ in own[reviewer]
        }
        mine, diffs, baselines, others = _Sums(), _Sums(), _Sums(), _Sums()
        for question, pct in own[reviewer]:
            mine.add(pct)
            if (baseline := rest[question].mean()) is not None:
                diffs.add(pct - baseline)
                baselines.add(baseline)
        for sums in rest.values():
            others += sums
        n_pairs, n_apart = pairs[reviewer], disagreed[reviewer]
        rows.append(
            ReviewerConsistency(
                reviewer=reviewer,
                marks=mine.n,
                mean=_round(mine.mean()),
                spread=_round(mine.sd()),
                compared=diffs.n,
                others_mean=_round(baselines.mean()),
                others_spread=_round(others.sd()),
                offset=_round(diffs.mean()),
                pairs=n_pairs,
                disagreed=n_apart,
                disagreement=_round(100 * Fraction(n_apart, n_pairs)) if n_pairs else None,
            )
        )
    return rows


def _pairs(marks: Sequence[GivenMark]) -> tuple[dict[int, int], dict[int, int]]:
    """Per reviewer: double-marked answers with both first marks, and how many disagreed."""
    firsts: dict[int, dict[int, GivenMark]] = defaultdict(dict)
    for mark in marks:
        if mark.slot in (1, 2) and mark.tolerance is not None:
            firsts[mark.answer][mark.slot] = mark
    pairs: dict[int, int] = defaultdict(int)
    disagreed: dict[int, int] = defaultdict(int)
    for both in firsts.values():
        if len(both) != 2:
            continue
        one, two = both[1], both[2]
        apart = abs(Decimal(one.score) - Decimal(two.score)) > Decimal(one.tolerance)
        for reviewer in (one.reviewer, two.reviewer):
            pairs[reviewer] += 1
            disagreed[reviewer] += apart
    return pairs, disagreed
