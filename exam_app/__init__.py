"""The exam platform: create_app() wires extensions, blueprints and commands; nothing else."""

from __future__ import annotations

from typing import Any

from flask import Flask

from config import BASE_DIR, Config


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(Config.INSTANCE_DIR), instance_relative_config=False)
    app.config.from_object(Config)
    if test_config:
        app.config.update(test_config)

    from exam_app import cli, database, web
    from exam_app.admin import bp as admin_bp
    from exam_app.api import bp as api_bp
    from exam_app.appeals import bp as appeals_bp
    from exam_app.auth import bp as auth_bp
    from exam_app.bank import bp as bank_bp
    from exam_app.corrections import bp as corrections_bp
    from exam_app.exams import bp as exams_bp
    from exam_app.extensions import csrf, db, login_manager, migrate
    from exam_app.marking import bp as marking_bp
    from exam_app.papers import bp as papers_bp
    from exam_app.quality_desk import bp as quality_desk_bp
    from exam_app.quality_office import bp as quality_office_bp
    from exam_app.quality_setup import bp as quality_setup_bp
    from exam_app.records import bp as records_bp
    from exam_app.reports import bp as reports_bp
    from exam_app.review import bp as review_bp
    from exam_app.staffing import bp as staffing_bp
    from exam_app.web import save_lane

    database.configure(app)
    db.init_app(app)
    save_lane.init_app(app)  # innermost: the WAL sync's and the proxy's middleware around it
    database.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    web.init_app(app)
    cli.init_app(app)

    for bp in (auth_bp, exams_bp, records_bp, review_bp, marking_bp, papers_bp, bank_bp, admin_bp,
               reports_bp, staffing_bp, api_bp, appeals_bp, corrections_bp, quality_desk_bp,
               quality_office_bp, quality_setup_bp):  # fmt: skip
        app.register_blueprint(bp)
    return app
