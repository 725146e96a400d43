"""Templates' `url_for`, remembered per worker.

Every page builds the same links again: the stylesheet, the script, the icon, the menu, the
sign-out form (eleven on 「我的考试」), each a walk of the URL map. A URL depends only on the
application, the endpoint, its values and the mount point (SCRIPT_NAME), and the map does
not change while a worker runs, so a URL built once is kept, per application. A link
whose values are ids (an attempt's, a paper's: seven on the exam page, a new attempt for
every candidate at the rush) is kept as a pattern with the ids left out, so it is built
once per endpoint rather than once per id. Only plain calls are kept: relative endpoints
(".x", which depend on the current blueprint) and options such as `_external` or `_anchor`,
and calls outside a request, go to Flask's url_for every time.
"""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, request, url_for

_LIMIT = 4096  # links without ids; then no more are kept
# Ids no table reaches, built into a link to find where its ids go.
_SPOT = 918_274_036_501


def remembered_url_for(endpoint: str, **values) -> str:
    if (endpoint.startswith(".") or any(name.startswith("_") for name in values)
            or not has_request_context()):  # fmt: skip
        return url_for(endpoint, **values)
    kept: dict = current_app.extensions["url_memo"]
    if values and all(type(v) is int and v >= 0 for v in values.values()):
        key = (request.script_root, endpoint, *values)  # the names: the ids come apart
        pieces = kept.get(key)
        if pieces is None:
            pieces = kept[key] = _pattern(endpoint, values)
        if pieces:
            return _filled(pieces, values)
        return url_for(endpoint, **values)
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


def _pattern(endpoint: str, values: dict[str, int]) -> tuple[str, ...] | bool:
    """The link cut where each id goes, in the order of `values`; False if it cannot be
    (an id not written as it is, or written twice): then it is built each time."""
    spots = [str(_SPOT + n) for n in range(len(values))]
    rest = url_for(endpoint, **dict(zip(values, map(int, spots), strict=True)))
    pieces = []
    for spot in spots:
        before, found, rest = rest.partition(spot)
        if not found or spot in rest:
            return False
        pieces.append(before)
    pieces.append(rest)
    pieces = tuple(pieces)
    return pieces if _filled(pieces, values) == url_for(endpoint, **values) else False


def _filled(pieces: tuple[str, ...], values: dict[str, int]) -> str:
    if len(pieces) == 2:
        return pieces[0] + str(next(iter(values.values()))) + pieces[1]
    out = [pieces[0]]
    for value, piece in zip(values.values(), pieces[1:], strict=True):
        out += (str(value), piece)
    return "".join(out)


def init_app(app: Flask) -> None:
    app.extensions["url_memo"] = {}
    app.jinja_env.globals["url_for"] = remembered_url_for
