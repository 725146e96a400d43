"""Every API request but the OpenAPI document needs `Authorization: Bearer <token>`."""

from __future__ import annotations

from flask import jsonify, request

from exam_app.api import bp
from exam_app.services.api_tokens import find_token

PUBLIC = {"api.openapi"}


def error(status: int, message: str):
    response = jsonify(error=message)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="exam-api"'
    return response


@bp.before_request
def _require_token():
    if request.endpoint in PUBLIC:
        return None
    scheme, _, plain = request.headers.get("Authorization", "").partition(" ")
    token = find_token(plain.strip()) if scheme.lower() == "bearer" else None
    if token is None:
        return error(401, "缺少或无效的访问令牌（Authorization: Bearer …）。")
    if token.revoked_at is not None:
        return error(403, "访问令牌已被吊销。")
    return None


@bp.after_request
def _no_store(response):
    response.headers["Cache-Control"] = "no-store"  # results are personal data
    return response


@bp.errorhandler(404)
def _not_found(_e):
    return error(404, "未找到。")
