"""Months (2026-11) and quarters (2026Q4): the periods of service-quality summaries and of
the quarterly exam. Pure: a date in, text out; callers pass the local date they mean."""

from __future__ import annotations

import re
from datetime import date

MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
QUARTER = re.compile(r"(\d{4})Q([1-4])")


def month_of(day: date) -> str:
    """month_of(date(2026, 11, 3)) == "2026-11"."""
    return f"{day.year:04d}-{day.month:02d}"


def quarter_of(day: date) -> str:
    """quarter_of(date(2026, 11, 3)) == "2026Q4"."""
    return f"{day.year:04d}Q{(day.month - 1) // 3 + 1}"


def quarter_of_month(month: str) -> str:
    return f"{month[:4]}Q{(int(month[5:]) - 1) // 3 + 1}"


def next_month(month: str) -> str:
    year, number = int(month[:4]), int(month[5:])
    return f"{year + number // 12:04d}-{number % 12 + 1:02d}"


def previous_month(month: str) -> str:
    year, number = int(month[:4]), int(month[5:])
    return f"{year - (number == 1):04d}-{(number - 2) % 12 + 1:02d}"


def months_of_quarter(quarter: str) -> list[str]:
    year, q = int(quarter[:4]), int(quarter[-1])
    return [f"{year:04d}-{m:02d}" for m in range(3 * q - 2, 3 * q + 1)]


def month_label(month: str) -> str:
    return f"{month[:4]} 年 {int(month[5:])} 月"


def quarter_label(quarter: str) -> str:
    return f"{quarter[:4]} 年第 {quarter[-1]} 季度"
