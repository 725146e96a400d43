"""A live server on a real SQLite file, driven by Debian's headless Chromium."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from exam_app import create_app
from exam_app.extensions import db
from tests.helpers import PASSWORD

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]  # fmt: skip


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("CI 必须运行浏览器测试，但未安装 chromium。")
        pytest.skip("未安装 chromium（运行 make test 会安装）。")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live(tmp_path, sqlite_template):
    path = tmp_path / "live.db"
    shutil.copy(sqlite_template, path)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "browser-test",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
        }
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    ctx = app.app_context()
    ctx.push()
    app.base_url = f"http://127.0.0.1:{server.server_port}"
    yield app
    db.session.remove()
    ctx.pop()
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def page(chromium, live):
    # bypass_csp: Playwright evaluates its wait conditions as strings, which our CSP forbids.
    context = chromium.new_context(base_url=live.base_url, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def sign_in(page, username: str, password: str = PASSWORD) -> None:
    """Through the sign-in form, as a person does (the page's base URL is the live server)."""
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def fits_the_screen(page) -> bool:
    """Nothing scrolls sideways at the page's width."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
