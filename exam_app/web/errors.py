"""Error pages and JSON errors in Chinese; nothing leaks a stack trace."""

from __future__ import annotations

from flask import Flask, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError

MESSAGES = {
    400: "请求无效。",
    403: "您没有权限访问此页面。",
    404: "页面不存在。",
    405: "不支持此操作。",
    413: "提交的内容过大，请删减后重试。",
    500: "服务器出错，请稍后重试。您已保存的答案不受影响。",
}


def _wants_json() -> bool:
    return (
        request.is_json
        or request.accept_mimetypes.best == "application/json"
        or request.path.startswith("/api/")
    )


def _respond(code: int, message: str, error: Exception | None = None):
    if _wants_json():
        response = jsonify(ok=False, error=message)
    else:
        response = make_response(render_template("error.html", code=code, message=message))
    response.status_code = code
    # What the exception says beyond its body stays: `Allow` on a 405, for one.
    for name, value in getattr(error, "get_headers", lambda: [])():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def init_app(app: Flask) -> None:
    for code, message in MESSAGES.items():
        app.register_error_handler(code, lambda e, c=code, m=message: _respond(c, m, e))

    @app.errorhandler(CSRFError)
    def csrf_error(e):
        return _respond(400, "页面已过期或表单无效（CSRF 校验失败），请刷新页面后重试。")
