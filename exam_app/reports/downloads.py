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
    filename = f"{name}.{fmt}"
    response = Response(data, mimetype=mimetype)
    # RFC 5987: Chinese file names survive in every current browser.
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{filename.encode("ascii", "replace").decode()}"; '
        f"filename*=UTF-8''{quote(filename)}"
    )
    return response
