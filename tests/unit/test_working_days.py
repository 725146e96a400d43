"""Working days for appeal periods: weekends skipped, holidays skipped, 调休 weekends counted."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from exam_app.working_days import (
    CalendarError,
    add_working_days,
    is_working_day,
    parse_dates,
    working_days_between,
)

MON = date(2026, 11, 23)  # a Monday
FRI = date(2026, 11, 27)
NATIONAL_DAY = frozenset(date(2026, 10, d) for d in range(1, 8))  # 10-01 … 10-07


@pytest.mark.parametrize(
    "start, days, expected",
    [
        (MON, 0, MON),
        (MON, 1, date(2026, 11, 24)),
        (MON, 4, FRI),
        (MON, 5, date(2026, 11, 30)),  # over the weekend to the next Monday
        (FRI, 1, date(2026, 11, 30)),
        (date(2026, 11, 28), 1, date(2026, 11, 30)),  # released on Saturday
        (date(2026, 11, 29), 5, date(2026, 12, 4)),  # released on Sunday
        (MON, 10, date(2026, 12, 7)),
    ],
)
def test_add_working_days_skips_weekends(start, days, expected):
    assert add_working_days(start, days) == expected


def test_holidays_are_skipped():
    # Released Wednesday 2026-09-30: the holiday week is skipped, 10-08 (Thu) is day 1.
    assert add_working_days(date(2026, 9, 30), 1, NATIONAL_DAY) == date(2026, 10, 8)
    assert add_working_days(date(2026, 9, 30), 3, NATIONAL_DAY) == date(2026, 10, 12)


def test_a_working_weekend_counts():
    saturday = date(2026, 10, 10)
    assert add_working_days(date(2026, 10, 9), 1, NATIONAL_DAY, frozenset({saturday})) == saturday
    assert not is_working_day(saturday)
    assert is_working_day(saturday, working_weekends=frozenset({saturday}))


def test_a_holiday_on_a_working_weekend_is_still_a_holiday():
    day = date(2026, 10, 3)
    assert not is_working_day(day, frozenset({day}), frozenset({day}))


def test_negative_days_are_a_bug():
    with pytest.raises(ValueError):
        add_working_days(MON, -1)


@pytest.mark.parametrize(
    "start, end, expected",
    [
        (MON, MON, 0),
        (MON, date(2026, 11, 24), 1),
        (FRI, date(2026, 11, 30), 1),
        (FRI, date(2026, 11, 29), 0),
        (MON, date(2026, 11, 20), 0),  # end before start
        (MON, date(2026, 12, 7), 10),
    ],
)
def test_working_days_between(start, end, expected):
    assert working_days_between(start, end) == expected


def test_between_is_the_inverse_of_add_for_every_start_and_length():
    holidays = frozenset({date(2026, 1, 1), date(2026, 2, 17), date(2026, 2, 18)})
    for offset in range(60):
        start = date(2025, 12, 20) + timedelta(days=offset)
        for days in range(0, 12):
            end = add_working_days(start, days, holidays)
            assert working_days_between(start, end, holidays) == days
            assert days == 0 or is_working_day(end, holidays)


def test_parse_dates_reads_lists_and_text():
    assert parse_dates(["2026-10-01", date(2026, 10, 2)], "HOLIDAYS") == {
        date(2026, 10, 1),
        date(2026, 10, 2),
    }
    assert parse_dates("2026-10-01, 2026-10-02", "HOLIDAYS") == {
        date(2026, 10, 1),
        date(2026, 10, 2),
    }
    assert parse_dates([], "HOLIDAYS") == frozenset()


def test_parse_dates_names_the_bad_entry():
    with pytest.raises(CalendarError, match="HOLIDAYS.*10月1日"):
        parse_dates(["10月1日"], "HOLIDAYS")


def test_holiday_lists_from_the_environment_are_split_and_trimmed():
    from config import date_list

    assert date_list("2026-10-01, 2026-10-02 ,") == ["2026-10-01", "2026-10-02"]
    assert date_list("") == []
