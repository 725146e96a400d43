"""What every page shares: the current user, template filters, menus and error pages."""

from __future__ import annotations

from flask import Flask

from exam_app.web import (
    csrf_memo,
    errors,
    favicon,
    filters,
    form_messages,
    headers,
    health,
    ids,
    limits,
    menu,
    password_change,
    request_log,
    session_timeout,
    session_user,
    url_memo,
)


def init_app(app: Flask) -> None:
    ids.init_app(app)  # before any blueprint adds its rules
    limits.init_app(app)
    request_log.init_app(app)
    headers.init_app(app)
    health.init_app(app)
    favicon.init_app(app)
    session_timeout.init_app(app)  # before anything reads who is signed in
    session_user.init_app(app)
    password_change.init_app(app)  # after the user is known, before any page
    filters.init_app(app)
    url_memo.init_app(app)
    csrf_memo.init_app(app)  # after flask-wtf's CSRFProtect (create_app)
    menu.init_app(app)
    errors.init_app(app)
    form_messages.init_app(app)
