"""Templates' `url_for`, remembered per worker.

Every page builds the same links again: the stylesheet, the script, the icon, the menu, the
sign-out form (eleven on 「我的考试」), each a walk of the URL map. A URL depends only on the
application, the endpoint, its values and the mount point (SCRIPT_NAME), and the map does
not change while a worker runs, so a URL built once is kept, per application. Only plain
calls are kept: relative endpoints (".x", which depend on the current blueprint) and
options such as `_external` or `_anchor`, and calls outside a request, go to Flask's url_for
every time.
"""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, request, url_for

_LIMIT = 4096  # links with ids (an attempt's, a paper's) are kept too, up to this many


def remembered_url_for(endpoint: str, **values) -> str:
    if (endpoint.startswith(".") or any(name.startswith("_") for name in values)
            or not has_request_context()):  # fmt: skip
        return url_for(endpoint, **values)
    kept: dict = current_app.extensions["url_memo"]
    try:
        key = (request.script_root, endpoint, *sorted(values.items()))
        return kept[key]
    except KeyError:
        pass
    except TypeError:  # an unhashable value (a list): built each time
        return url_for(endpoint, **values)
    url = url_for(endpoint, **values)
    if len(kept) < _LIMIT:
        kept[key] = url
    return url


def init_app(app: Flask) -> None:
    app.extensions["url_memo"] = {}
    app.jinja_env.globals["url_for"] = remembered_url_for
