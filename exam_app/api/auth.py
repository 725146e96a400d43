"""Every API request but the OpenAPI document needs `Authorization: Bearer <token>`.

A path under /api/v1 that matches no route is still the API's: without a valid token it
answers 401 like any other (so unknown paths tell a caller nothing), and with one a JSON
404 or 405, never the HTML error page meant for browsers.
"""

from __future__ import annotations

from flask import jsonify, request
from werkzeug.exceptions import MethodNotAllowed, NotFound

from exam_app.api import bp
from exam_app.services.api_tokens import find_token

PUBLIC = {"api.openapi"}


def error(status: int, message: str):
    response = jsonify(error=message)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="exam-api"'
    return response


def _token_refusal():
    """The 401/403 answer when the request's bearer token is missing, unknown or revoked."""
    scheme, _, plain = request.headers.get("Authorization", "").partition(" ")
    token = find_token(plain.strip()) if scheme.lower() == "bearer" else None
    if token is None:
        return error(401, "缺少或无效的访问令牌（Authorization: Bearer …）。")
    if token.revoked_at is not None:
        return error(403, "访问令牌已被吊销。")
    return None


@bp.before_request
def _require_token():
    if request.endpoint in PUBLIC:
        return None
    return _token_refusal()


@bp.before_app_request
def _unmatched_api_path():
    missed = request.routing_exception
    in_api = request.path == bp.url_prefix or request.path.startswith(f"{bp.url_prefix}/")
    if not in_api or not isinstance(missed, NotFound | MethodNotAllowed):
        return None  # a matched route (its own hooks run) or a redirect
    if (refusal := _token_refusal()) is not None:
        return refusal
    if isinstance(missed, MethodNotAllowed):
        response = error(405, "不支持此请求方法。")
        response.headers["Allow"] = ", ".join(sorted(missed.valid_methods or ()))
        return response
    return error(404, "未找到。")


@bp.after_request
def _no_store(response):
    response.headers["Cache-Control"] = "no-store"  # results are personal data
    return response


@bp.errorhandler(404)
def _not_found(_e):
    return error(404, "未找到。")
