"""Tables to .xlsx and .csv, safe to open in Excel.

Spreadsheet injection: text beginning with = + - @ (or a tab / carriage return) would be
run as a formula. In .xlsx such text is written as a text cell; in CSV, which has no cell
types, it gets a leading apostrophe, as OWASP recommends.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
Table = tuple[str, Sequence[str], Sequence[Sequence[object]]]  # sheet title, headers, rows


def _csv_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        text = f"{value:f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    text = str(value)
    return "'" + text if isinstance(value, str) and text.startswith(FORMULA_STARTS) else text


def to_csv(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    """UTF-8 with a BOM: without it Excel reads the Chinese as the local code page."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(tables: Sequence[Table]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, headers, rows in tables:
        sheet = book.create_sheet(title)
        sheet.append(list(headers))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DCE6F1")
        for r, values in enumerate(rows, start=2):
            for c, value in enumerate(values, start=1):
                _put(sheet.cell(row=r, column=c), value)
        for c, name in enumerate(headers, start=1):
            sheet.column_dimensions[sheet.cell(row=1, column=c).column_letter].width = max(
                10, min(40, 2 * len(name) + 4)
            )
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _put(cell, value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        cell.value = "是" if value else "否"
    elif isinstance(value, Decimal):
        cell.value = int(value) if value == value.to_integral_value() else float(value)
    elif isinstance(value, int | float):
        cell.value = value
    else:
        # Always a text cell: a leading "=" is no formula, "2026-1" no date.
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", str(value))
        cell.data_type = "s"
