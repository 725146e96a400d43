"""The site's icon: linked from every page, and at /favicon.ico for browsers that ask there."""

from __future__ import annotations

from flask import Flask, current_app, send_from_directory


def init_app(app: Flask) -> None:
    @app.route("/favicon.ico")
    def favicon():
        return send_from_directory(
            current_app.static_folder, "favicon.svg", mimetype="image/svg+xml", max_age=86400
        )
