"""Working days (工作日) for appeal periods: Monday to Friday, minus public holidays.

Pure: no Flask, no database. Holidays come from the caller (app config `HOLIDAYS`), and so
do the weekend days China makes working days when it shifts a holiday (调休,
`WORKING_WEEKENDS`): the calendar changes every year and is published by the State Council,
so it is configuration, not code.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

_ONE_DAY = timedelta(days=1)


class CalendarError(ValueError):
    """A holiday list that cannot be read; the message is Chinese and names the entry."""


def parse_dates(values: Iterable[object], setting: str) -> frozenset[date]:
    """Dates from config: `date` objects or ISO text (2026-10-01); anything else is refused."""
    if isinstance(values, str):  # one string is a common mistake for a list of one
        values = [part for part in values.replace(",", " ").split() if part]
    found: set[date] = set()
    for value in values:
        if isinstance(value, date):
            found.add(value)
            continue
        try:
            found.add(date.fromisoformat(str(value).strip()))
        except ValueError:
            raise CalendarError(
                f"配置 {setting} 中的日期 {value!r} 无效，应形如 2026-10-01"
            ) from None
    return frozenset(found)


def is_working_day(
    day: date,
    holidays: frozenset[date] = frozenset(),
    working_weekends: frozenset[date] = frozenset(),
) -> bool:
    if day in holidays:
        return False
    return day.weekday() < 5 or day in working_weekends


def add_working_days(
    start: date,
    days: int,
    holidays: frozenset[date] = frozenset(),
    working_weekends: frozenset[date] = frozenset(),
) -> date:
    """The `days`-th working day after `start` (which itself does not count).

    Released on Friday with 1 day: the next Monday. With 0 days: `start` itself, so a
    period of 0 closes on the day of release.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    while days:
        day += _ONE_DAY
        if is_working_day(day, holidays, working_weekends):
            days -= 1
    return day


def working_days_between(
    start: date,
    end: date,
    holidays: frozenset[date] = frozenset(),
    working_weekends: frozenset[date] = frozenset(),
) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start): an age."""
    count, day = 0, start
    while day < end:
        day += _ONE_DAY
        if is_working_day(day, holidays, working_weekends):
            count += 1
    return count
