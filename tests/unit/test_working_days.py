"""Working days for appeal periods: weekends skipped, holidays skipped, 调休 weekends counted.

The first tests check the configured lists alone (`official=False`); those after
`# The official calendar` check chinesecalendar's real 2025/2026 dates and the overrides on top.
"""

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
@pytest.mark.parametrize("official", [False, True])  # no holiday falls in these weeks
def test_add_working_days_skips_weekends(start, days, expected, official):
    assert add_working_days(start, days, official=official) == expected


def test_holidays_are_skipped():
    # Released Wednesday 2026-09-30: the holiday week is skipped, 10-08 (Thu) is day 1.
    assert add_working_days(date(2026, 9, 30), 1, NATIONAL_DAY, official=False) == date(2026, 10, 8)
    assert add_working_days(date(2026, 9, 30), 3, NATIONAL_DAY, official=False) == date(
        2026, 10, 12
    )


def test_a_working_weekend_counts():
    saturday = date(2026, 10, 10)
    assert add_working_days(date(2026, 10, 9), 1, NATIONAL_DAY, frozenset({saturday})) == saturday
    assert not is_working_day(saturday, official=False)
    assert is_working_day(saturday, working_weekends=frozenset({saturday}), official=False)


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
    assert working_days_between(start, end, official=False) == expected


def test_between_is_the_inverse_of_add_for_every_start_and_length():
    holidays = frozenset({date(2026, 1, 1), date(2026, 2, 17), date(2026, 2, 18)})
    for offset in range(60):
        start = date(2025, 12, 20) + timedelta(days=offset)
        for days in range(0, 12):
            end = add_working_days(start, days, holidays)  # across 春节 2026 and its 调休
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


# The official calendar (chinesecalendar: the State Council's 放假安排)


@pytest.mark.parametrize(
    "day, working",
    [
        (date(2025, 9, 28), True),  # Sunday, worked for 国庆 2025 (调休)
        (date(2025, 10, 1), False),  # 国庆
        (date(2025, 10, 6), False),  # 中秋, Monday inside the week off
        (date(2025, 10, 8), False),  # Wednesday, still off
        (date(2025, 10, 9), True),
        (date(2025, 10, 11), True),  # Saturday, worked (调休)
        (date(2025, 10, 12), False),  # an ordinary Sunday
        (date(2026, 2, 14), True),  # Saturday before 春节 2026, worked (调休)
        (date(2026, 2, 16), False),  # 除夕, Monday
        (date(2026, 2, 23), False),  # Monday, last day off
        (date(2026, 2, 24), True),
        (date(2026, 2, 28), True),  # Saturday after 春节, worked (调休)
        (date(2026, 9, 25), False),  # 中秋 2026, a Friday
        (date(2026, 10, 1), False),  # 国庆 2026
        (date(2026, 10, 7), False),
        (date(2026, 10, 10), True),  # Saturday, worked (调休)
    ],
)
def test_official_holidays_and_working_weekends(day, working):
    assert is_working_day(day) is working


def test_national_day_2025_appeal_period_skips_the_week_and_counts_the_saturday():
    # Released Tuesday 2025-09-30, 3 working days: Thu 10-09, Fri 10-10, Sat 10-11 (调休).
    assert add_working_days(date(2025, 9, 30), 3) == date(2025, 10, 11)
    assert working_days_between(date(2025, 9, 30), date(2025, 10, 12)) == 3
    # Released Friday 2025-09-26: Sunday 09-28 is the first working day.
    assert add_working_days(date(2025, 9, 26), 1) == date(2025, 9, 28)


def test_spring_festival_2026_appeal_period():
    # Released Friday 2026-02-13: Saturday 02-14 is worked, then nine days off, then 02-24.
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert add_working_days(date(2026, 2, 13), 2) == date(2026, 2, 24)
    # Released Friday 2026-02-27, 1 working day: Saturday 02-28 (调休), not Monday 03-02.
    assert add_working_days(date(2026, 2, 27), 1) == date(2026, 2, 28)
    assert working_days_between(date(2026, 2, 13), date(2026, 3, 2)) == 7


def test_the_company_lists_override_the_official_calendar():
    # A company day off inside a working week, and the company working a 调休-free Saturday.
    assert add_working_days(date(2026, 2, 24), 1, frozenset({date(2026, 2, 25)})) == date(
        2026, 2, 26
    )
    assert not is_working_day(date(2026, 10, 10), frozenset({date(2026, 10, 10)}))
    assert is_working_day(date(2026, 10, 3), working_weekends=frozenset({date(2026, 10, 3)}))
    assert is_working_day(date(2026, 11, 28), working_weekends=frozenset({date(2026, 11, 28)}))


def test_a_year_the_library_does_not_know_falls_back_to_weekdays_and_the_lists(caplog):
    # 2100 is far past any chinesecalendar release: Monday to Friday plus the lists, a
    # warning logged once, and unknown_years names it for the result page's notice.
    from exam_app.working_days import official_calendar_knows, unknown_years

    official_calendar_knows.cache_clear()
    with caplog.at_level("WARNING", logger="exam_app.working_days"):
        assert add_working_days(date(2100, 9, 30), 1) == date(2100, 10, 1)  # a Friday
        assert add_working_days(date(2100, 9, 30), 1, frozenset({date(2100, 10, 1)})) == date(
            2100, 10, 4
        )
        assert is_working_day(date(2100, 10, 2), working_weekends=frozenset({date(2100, 10, 2)}))
    warnings = [r for r in caplog.records if "2100" in r.getMessage()]
    assert len(warnings) == 1 and "chinesecalendar" in warnings[0].getMessage()
    assert unknown_years(date(2026, 12, 20), date(2026, 12, 31)) == []
    assert unknown_years(date(2099, 12, 20), date(2100, 1, 5)) == [2099, 2100]
