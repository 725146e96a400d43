"""item_statistics(): Moodle's facility, SD, discrimination and efficiency."""

from decimal import Decimal as D

import pytest

from exam_app.grading import GradingError, ItemStats, item_statistics

# The worked example of grading-rules.md: six attempts, three items of 2 points each.
SIX_ATTEMPTS = [[2, 2, 1], [2, 1, 2], [1, 2, 0], [2, 0, 1], [0, 1, 0], [1, 0, 0]]
WORKED_TABLE = [
    ItemStats(facility=66.67, sd=40.82, discrimination=53.94, efficiency=57.14, flagged=False),
    ItemStats(facility=50.00, sd=44.72, discrimination=0.00, efficiency=0.00, flagged=True),
    ItemStats(facility=33.33, sd=40.82, discrimination=53.94, efficiency=57.14, flagged=False),
]


def test_worked_example_table():
    assert item_statistics(SIX_ATTEMPTS, [2, 2, 2]) == WORKED_TABLE


def test_worked_example_with_decimals():
    marks = [[D(mark) for mark in row] for row in SIX_ATTEMPTS]
    assert item_statistics(marks, [D(2)] * 3) == WORKED_TABLE


def test_worked_example_with_floats_and_scaled_points():
    # Doubling marks and maxima changes no percentage.
    marks = [[2.0 * mark for mark in row] for row in SIX_ATTEMPTS]
    assert item_statistics(marks, [4.0] * 3) == WORKED_TABLE


def test_low_efficiency_is_flagged_even_with_positive_discrimination():
    rows = [[1, 2, 0], [1, 2, 1], [2, 2, 1], [2, 0, 0], [2, 0, 0], [0, 0, 0]]
    first = item_statistics(rows, [2, 2, 2])[0]
    assert first == ItemStats(66.67, 40.82, 5.42, 6.25, True)


def test_negative_discrimination_is_flagged():
    rows = [[2, 0, 1], [1, 2, 2], [1, 1, 1], [1, 0, 1], [0, 2, 2]]
    first = item_statistics(rows, [2, 2, 2])[0]
    assert first == ItemStats(50.0, 35.36, -69.94, -100.0, True)


def test_item_everybody_got_right_has_no_discrimination():
    rows = [[2, 2], [2, 1], [2, 0]]
    stats = item_statistics(rows, [2, 2])
    assert stats[0] == ItemStats(100.0, 0.0, None, None, True)
    # The other item's rest (the first item) is constant, so it has none either.
    assert stats[1] == ItemStats(50.0, 50.0, None, None, True)


def test_item_nobody_scored_on():
    rows = [[0, 2, 1], [0, 1, 2], [0, 0, 0]]
    assert item_statistics(rows, [2, 2, 2])[0] == ItemStats(0.0, 0.0, None, None, True)


def test_single_attempt_has_facility_only():
    assert item_statistics([[1, 2]], [2, 2]) == [
        ItemStats(50.0, None, None, None, True),
        ItemStats(100.0, None, None, None, True),
    ]


def test_no_attempts():
    assert item_statistics([], [2]) == [ItemStats(None, None, None, None, True)]


def test_zero_maximum_has_no_percentages():
    stats = item_statistics([[0, 1], [0, 2], [0, 0]], [0, 2])
    assert (stats[0].facility, stats[0].sd) == (None, None)


def test_no_items():
    assert item_statistics([[], []], []) == []


@pytest.mark.parametrize(
    ("marks", "maxima"),
    [([[1, 2], [1]], [2, 2]), ([[1, "x"]], [2, 2]), ([[1, None]], [2, 2]), ([[1]], ["two"])],
)
def test_bad_input_raises(marks, maxima):
    with pytest.raises(GradingError):
        item_statistics(marks, maxima)
