"""reviewer_consistency(): each reviewer against the others on the same questions."""

from decimal import Decimal as D

import pytest

from exam_app.grading import GradingError
from exam_app.grading.consistency import GivenMark, ReviewerConsistency, reviewer_consistency


def mark(reviewer, question, answer, score, points, slot=1, tolerance=None):
    return GivenMark(reviewer, question, answer, slot, D(str(score)), D(str(points)),
                     None if tolerance is None else D(str(tolerance)))  # fmt: skip


# Worked by hand (percentages of the points):
#   q1 (10 points): R1 gives 80 (a1) and 60 (a2); R2 gives 90 (a1) and 100 (a4).
#   q2 (4 points):  R1 gives 50 (a3); R3 gives 100 (a3) and 25 (a5).
#   a1 is double marked by R1 and R2 (t = 2, 8 vs 9: agree); a3 by R1 and R3 (t = 1, 2 vs 4: apart).
MARKS = [
    mark(1, "q1", 1, 8, 10, slot=1, tolerance=2),
    mark(2, "q1", 1, 9, 10, slot=2, tolerance=2),
    mark(1, "q1", 2, 6, 10),
    mark(2, "q1", 4, 10, 10),
    mark(1, "q2", 3, 2, 4, slot=1, tolerance=1),
    mark(3, "q2", 3, 4, 4, slot=2, tolerance=1),
    mark(3, "q2", 5, 1, 4),
]


def test_the_worked_example():
    r1, r2, r3 = reviewer_consistency(MARKS)
    # R1: 80, 60, 50; the others gave 95 on q1 (90, 100) and 62.5 on q2 (100, 25).
    assert r1 == ReviewerConsistency(
        reviewer=1, marks=3, mean=63.33, spread=15.28, compared=3,
        others_mean=84.17,  # (95 + 95 + 62.5) / 3
        others_spread=36.14,  # SD of 90, 100, 100, 25
        offset=-20.83,  # (-15 - 35 - 12.5) / 3
        pairs=2, disagreed=1, disagreement=50.0,
    )  # fmt: skip
    # R2: 90, 100 against R1's 80, 60 on q1.
    assert r2 == ReviewerConsistency(2, 2, 95.0, 7.07, 2, 70.0, 14.14, 25.0, 1, 0, 0.0)
    # R3: 100, 25 against R1's single 50 on q2: no spread from one mark.
    assert r3 == ReviewerConsistency(3, 2, 62.5, 53.03, 2, 50.0, None, 12.5, 1, 1, 100.0)


def test_a_reviewer_alone_on_a_question_has_nothing_to_compare():
    (only,) = reviewer_consistency([mark(7, "q", 1, 3, 5), mark(7, "q", 2, 5, 5)])
    assert only == ReviewerConsistency(7, 2, 80.0, 28.28, 0, None, None, None, 0, 0, None)


def test_one_mark_has_a_mean_but_no_spread():
    (only,) = reviewer_consistency([mark(1, "q", 1, "2.5", 5)])
    assert (only.marks, only.mean, only.spread) == (1, 50.0, None)


def test_questions_the_reviewer_did_not_mark_do_not_count():
    rows = reviewer_consistency([mark(1, "q1", 1, 5, 10), mark(2, "q1", 2, 10, 10),
                                 mark(2, "q2", 3, 0, 10)])  # fmt: skip
    assert rows[0].others_mean == 100.0 and rows[0].offset == -50.0


def test_a_third_mark_counts_in_the_means_but_not_in_the_pairs():
    rows = reviewer_consistency([
        mark(1, "q", 1, 5, 10, slot=1, tolerance=2),
        mark(2, "q", 1, 9, 10, slot=2, tolerance=2),
        mark(3, "q", 1, 8, 10, slot=3, tolerance=2),
    ])  # fmt: skip
    assert [(r.marks, r.pairs, r.disagreed) for r in rows] == [(1, 1, 1), (1, 1, 1), (1, 0, 0)]


def test_a_difference_equal_to_the_tolerance_is_agreement():
    rows = reviewer_consistency([mark(1, "q", 1, 7, 10, 1, 2), mark(2, "q", 1, 9, 10, 2, 2)])
    assert [r.disagreement for r in rows] == [0.0, 0.0]


def test_a_pair_still_waiting_for_its_second_mark_is_not_counted():
    rows = reviewer_consistency([mark(1, "q", 1, 7, 10, slot=1, tolerance=2)])
    assert (rows[0].pairs, rows[0].disagreement) == (0, None)


def test_single_marking_gives_no_pairs():
    rows = reviewer_consistency([mark(1, "q", 1, 2, 10, slot=1), mark(2, "q", 1, 9, 10, slot=2)])
    assert [r.pairs for r in rows] == [0, 0]


def test_zero_point_answers_say_nothing_but_the_reviewer_is_listed():
    (row,) = reviewer_consistency([mark(4, "q", 1, 0, 0)])
    assert (row.reviewer, row.marks, row.mean) == (4, 0, None)


def test_nothing_marked_gives_no_rows():
    assert reviewer_consistency([]) == []


def test_rows_are_ordered_by_reviewer():
    rows = reviewer_consistency([mark(9, "q", 1, 1, 2), mark(3, "q", 2, 1, 2)])
    assert [r.reviewer for r in rows] == [3, 9]


@pytest.mark.parametrize(("score", "points"), [("11", "10"), ("-1", "10"), ("x", "10"), ("1", "0")])
def test_an_impossible_mark_is_refused(score, points):
    bad = GivenMark(1, "q", 1, 1, score, points)
    with pytest.raises(GradingError, match="统计用的评分"):
        reviewer_consistency([bad])
