"""Error pages and JSON errors in Chinese; nothing leaks a stack trace."""

from __future__ import annotations

from flask import Flask, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError

MESSAGES = {
    400: "请求无效。",
    403: "您没有权限访问此页面。",
    404: "页面不存在。",
    405: "不支持此操作。",
    413: "提交的内容过大，请删减后重试。",
    500: "服务器出错，请稍后重试。您已保存的答案不受影响。",
}


def wants_json() -> bool:
    """A script or the API is asking (it reads JSON), not a person's browser tab."""
    return (
        request.is_json
        or request.accept_mimetypes.best == "application/json"
        or request.path.startswith("/api/")
        or request.headers.get("X-Requested-With") == "XMLHttpRequest"
    )


def respond(code: int, message: str, error: Exception | None = None):
    if wants_json():
        response = jsonify(ok=False, error=message)
    else:
        response = make_response(render_template("error.html", code=code, message=message))
    response.status_code = code
    # What the exception says beyond its body stays: `Allow` on a 405, for one.
    for name, value in getattr(error, "get_headers", lambda: [])():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


# The database refused the write as a whole (the transaction was rolled back, nothing of it
# is stored): say so, and that trying again is right. The attempt page keeps an answer that
# got any answer other than 2xx or 409 and resends it every 5 s (static/attempt.js).
BUSY = (
    503,
    "系统繁忙（数据库被占用），本次操作未保存。答案仍保留在页面上，会自动重试；也可稍后再点一次。",
)
FULL = (
    507,
    "服务器存储空间已满，本次操作未保存。答案仍保留在页面上，会自动重试；请立即告知监考老师。",
)


def _database_refusal(error: Exception) -> tuple[int, str] | None:
    original = getattr(error, "original_exception", None)
    if not isinstance(original, OperationalError):
        return None
    text = str(original.orig)
    if "database is locked" in text:  # SQLite: still locked after the busy timeout
        return BUSY
    if "database or disk is full" in text or "No space left" in text:
        return FULL
    return None


def _server_error(error: Exception):
    if refusal := _database_refusal(error):
        response = respond(*refusal)
        if refusal is BUSY:
            response.headers["Retry-After"] = "5"
        return response
    return respond(500, MESSAGES[500], error)


def init_app(app: Flask) -> None:
    for code, message in MESSAGES.items():
        app.register_error_handler(code, lambda e, c=code, m=message: respond(c, m, e))
    app.register_error_handler(500, _server_error)

    @app.errorhandler(CSRFError)
    def csrf_error(e):
        return respond(400, "页面已过期或表单无效（CSRF 校验失败），请刷新页面后重试。")
