"""Working days (工作日) for appeal periods: China's official calendar, then the company's.

Pure: no Flask, no database. A day is a working day when, in this order:
1. it is in `holidays` (app config `HOLIDAYS`): not a working day (a company's own day off);
2. it is in `working_weekends` (config `WORKING_WEEKENDS`): a working day (a company's own
   working weekend);
3. the official calendar knows its year: the State Council's 放假安排 as kept by the
   `chinesecalendar` library, public holidays and the weekend days worked instead (调休);
4. otherwise (a year the library does not know yet, e.g. 2027 with chinesecalendar 1.11,
   until `make lock` picks up the release that adds it): Monday to Friday. A warning is
   logged once per year and `unknown_years` lets a page say the deadline may move;
   an admin can list that year's days in HOLIDAYS / WORKING_WEEKENDS meanwhile.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, timedelta
from functools import cache

import chinese_calendar

_ONE_DAY = timedelta(days=1)
log = logging.getLogger(__name__)


@cache
def official_calendar_knows(year: int) -> bool:
    """Whether chinesecalendar has the State Council's schedule for this year."""
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        log.warning(
            "chinesecalendar 不含 %s 年的法定节假日：该年按周一至周五计算工作日，"
            "另加 HOLIDAYS / WORKING_WEEKENDS 配置；请升级 chinesecalendar（make lock）",
            year,
        )
        return False
    return True


def unknown_years(start: date, end: date) -> list[int]:
    """Years from start to end (inclusive) the official calendar does not cover yet."""
    return [y for y in range(start.year, end.year + 1) if not official_calendar_knows(y)]


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
    *,
    official: bool = True,
) -> bool:
    """See the module's docstring; `official=False` counts Monday to Friday and the lists only."""
    if day in holidays:
        return False
    if day in working_weekends:
        return True
    if official and official_calendar_knows(day.year):
        return chinese_calendar.is_workday(day)
    return day.weekday() < 5


def add_working_days(
    start: date,
    days: int,
    holidays: frozenset[date] = frozenset(),
    working_weekends: frozenset[date] = frozenset(),
    *,
    official: bool = True,
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
        if is_working_day(day, holidays, working_weekends, official=official):
            days -= 1
    return day


def working_days_between(
    start: date,
    end: date,
    holidays: frozenset[date] = frozenset(),
    working_weekends: frozenset[date] = frozenset(),
    *,
    official: bool = True,
) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start): an age."""
    count, day = 0, start
    while day < end:
        day += _ONE_DAY
        if is_working_day(day, holidays, working_weekends, official=official):
            count += 1
    return count
