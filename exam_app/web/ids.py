"""`<int:...>` in every route stops at the largest id the database can hold.

Werkzeug's int converter takes any run of digits. 9223372036854775808 then reaches the
database driver, which cannot bind it (SQLite raises OverflowError: a 500); and every id
column is an INTEGER, which PostgreSQL keeps in 32 bits, so there anything above 2**31 - 1
fails the same way ("integer out of range"). With that ceiling such a URL simply matches
no route: 404. Registered before the blueprints, so every rule compiles with it and no
route is edited. (Should ids ever become BIGINT, raise MAX_ID to 2**63 - 1.)
"""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # PostgreSQL INTEGER; SQLite's 64-bit INTEGER holds it too


class BoundedIntConverter(IntegerConverter):
    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedIntConverter
