"""Months and quarters as the summaries and the quarterly exam name them."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from exam_app.quality.calendar import (
    MONTH,
    QUARTER,
    month_label,
    month_of,
    months_of_quarter,
    next_month,
    previous_month,
    quarter_label,
    quarter_of,
    quarter_of_month,
)


@pytest.mark.parametrize(
    ("day", "month", "quarter"),
    [
        (date(2026, 11, 3), "2026-11", "2026Q4"),
        (date(2026, 1, 1), "2026-01", "2026Q1"),
        (date(2026, 3, 31), "2026-03", "2026Q1"),
        (date(2026, 4, 1), "2026-04", "2026Q2"),
        (date(2026, 6, 30), "2026-06", "2026Q2"),
        (date(2026, 7, 1), "2026-07", "2026Q3"),
        (date(2026, 9, 30), "2026-09", "2026Q3"),
        (date(2026, 10, 1), "2026-10", "2026Q4"),
        (date(2026, 12, 31), "2026-12", "2026Q4"),
        (date(999, 5, 5), "0999-05", "0999Q2"),
        (datetime(2026, 8, 9, 23, 59), "2026-08", "2026Q3"),  # a datetime is a date too
    ],
)
def test_month_and_quarter_of_a_day(day, month, quarter):
    assert month_of(day) == month and quarter_of(day) == quarter


def test_every_day_of_a_century_agrees_with_its_month_and_quarter():
    day, end = date(2000, 1, 1), date(2100, 12, 31)
    while day <= end:
        month, quarter = month_of(day), quarter_of(day)
        assert MONTH.fullmatch(month) and QUARTER.fullmatch(quarter)
        assert quarter_of_month(month) == quarter
        assert month in months_of_quarter(quarter)
        assert month_of(day + timedelta(days=1)) in (month, next_month(month))
        day += timedelta(days=1)


def test_next_and_previous_month_cross_the_year_and_undo_each_other():
    assert next_month("2026-12") == "2027-01" and previous_month("2027-01") == "2026-12"
    assert next_month("2026-01") == "2026-02" and previous_month("2026-02") == "2026-01"
    for year in (1999, 2026, 2100):
        for number in range(1, 13):
            month = f"{year}-{number:02d}"
            assert previous_month(next_month(month)) == month
            assert next_month(previous_month(month)) == month


def test_a_quarter_has_its_three_months_in_order():
    assert months_of_quarter("2026Q1") == ["2026-01", "2026-02", "2026-03"]
    assert months_of_quarter("2026Q4") == ["2026-10", "2026-11", "2026-12"]


def test_labels_are_chinese():
    assert month_label("2026-01") == "2026 年 1 月"
    assert quarter_label("2026Q4") == "2026 年第 4 季度"


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "2026-1", "26-01", "2026-01x"])
def test_bad_months_do_not_match(text):
    assert not MONTH.fullmatch(text)


@pytest.mark.parametrize("text", ["2026Q0", "2026Q5", "2026q4", "2026-Q4"])
def test_bad_quarters_do_not_match(text):
    assert not QUARTER.fullmatch(text)
