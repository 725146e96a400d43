"""A table as an .xlsx or .csv download with a Chinese file name."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, abort

from exam_app.reporting.sheets import Table, to_csv, to_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(table: Table, name: str, fmt: str) -> Response:
    if fmt == "xlsx":
        data, mimetype = to_xlsx([table]), XLSX
    elif fmt == "csv":
        data, mimetype = to_csv(table[1], table[2]), "text/csv; charset=utf-8"
    else:
        abort(404)
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = content_disposition(f"{name}.{fmt}")
    return response


def xlsx_download(tables: list[Table], name: str) -> Response:
    """Several sheets in one workbook (the monthly summary for finance)."""
    response = Response(to_xlsx(tables), mimetype=XLSX)
    response.headers["Content-Disposition"] = content_disposition(f"{name}.xlsx")
    return response


def content_disposition(filename: str) -> str:
    """RFC 5987: Chinese file names survive in every current browser."""
    return (
        f'attachment; filename="{filename.encode("ascii", "replace").decode()}"; '
        f"filename*=UTF-8''{quote(filename)}"
    )
