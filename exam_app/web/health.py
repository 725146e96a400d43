"""GET /healthz for load balancers and monitoring: no sign-in, one cheap query, JSON."""

from __future__ import annotations

from flask import Flask, current_app, jsonify
from sqlalchemy import text

from exam_app.extensions import db


def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001  (any failure means: take this instance out of rotation)
        current_app.logger.exception("health check: database unreachable")
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok"), 200


def init_app(app: Flask) -> None:
    app.add_url_rule("/healthz", "healthz", healthz, methods=["GET"])
