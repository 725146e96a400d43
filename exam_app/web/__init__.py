"""What every page shares: the current user, template filters, menus and error pages."""

from __future__ import annotations

from flask import Flask

from exam_app.web import errors, filters, menu, session_user


def init_app(app: Flask) -> None:
    session_user.init_app(app)
    filters.init_app(app)
    menu.init_app(app)
    errors.init_app(app)
