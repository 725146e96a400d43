"""Fixtures: the app on a real database (SQLite file and PostgreSQL), clients, people."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

# Keep the generated secret key and SQLite files of test runs out of the repository's instance/.
os.environ.setdefault("EXAM_INSTANCE_DIR", tempfile.mkdtemp(prefix="exam-instance-"))

from exam_app import create_app  # noqa: E402
from exam_app.extensions import db  # noqa: E402
from exam_app.services import attempt_layouts  # noqa: E402
from exam_app.services import attempts as attempt_service  # noqa: E402
from exam_app.web import question_html, result_html  # noqa: E402
from tests.databases import PostgresServer, postgres_bin  # noqa: E402
from tests.helpers import WebClient  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BACKENDS = ["sqlite", "postgresql"]
# While models change faster than migrations are written (parallel work on one tree),
# EXAM_SCHEMA_FROM_MODELS=1 builds the schema from the models; CI always migrates.
SCHEMA_FROM_MODELS = os.environ.get("EXAM_SCHEMA_FROM_MODELS") == "1" and not os.environ.get("CI")


def _app_for(url: str):
    # SQLite checkpoints stay SQLite's own here: a background thread per test database
    # would outlive its test (tests/integration/test_sqlite_checkpoints.py covers it).
    return create_app(
        {"TESTING": True, "SECRET_KEY": "test-secret", "SQLALCHEMY_DATABASE_URI": url,
         "SQLITE_CHECKPOINT_EVERY": 0}
    )  # fmt: skip


def _prepare(url: str) -> None:
    """Migrate from empty and load the shipped content: what `flask setup` does."""
    from flask_migrate import stamp, upgrade

    from exam_app.models.base import utcnow
    from exam_app.services.content_sync import sync_content
    from exam_app.services.quality.standards import sync_standards

    app = _app_for(url)
    with app.app_context():
        if SCHEMA_FROM_MODELS:
            db.create_all()
            stamp()  # so `flask setup` in tests finds nothing to upgrade
        else:
            upgrade()
        sync_content(ROOT)
        sync_standards(ROOT, utcnow())
        if url.startswith("sqlite"):
            db.session.execute(db.text("PRAGMA wal_checkpoint(TRUNCATE)"))
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def pg_server():
    if postgres_bin() is None:
        if os.environ.get("CI"):
            pytest.fail("CI 必须在 PostgreSQL 上运行测试，但未安装 PostgreSQL。")
        pytest.skip("未安装 PostgreSQL（运行 make test 会安装）。")
    server = PostgresServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    _prepare(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_template(pg_server) -> str:
    name = pg_server.create_database()
    _prepare(pg_server.url(name))
    return name


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "exam.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    server = request.getfixturevalue("pg_server")
    return server.url(server.create_database(template=request.getfixturevalue("pg_template")))


def _forget_worker_caches() -> None:
    """Each test has a new database whose ids recur: a worker's caches keyed by id (an
    attempt's layout, a paper's schedule, whole pages) start empty, as after a deploy."""
    attempt_layouts.clear()
    attempt_service.forget_schedules()
    question_html.forget_pages()
    result_html.forget()


@pytest.fixture
def app(database_url):
    _forget_worker_caches()
    app = _app_for(database_url)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app) -> WebClient:
    return WebClient(app.test_client())


@pytest.fixture
def make_client(app):
    return lambda: WebClient(app.test_client())


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture(params=BACKENDS)
def empty_database_url(request, tmp_path) -> str:
    """A database with no tables at all, for migration tests."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    server = request.getfixturevalue("pg_server")
    return server.url(server.create_database())


@pytest.fixture
def app_factory():
    """Build an app on any database URL; engines are disposed afterwards."""
    made = []

    def make(url: str):
        made.append(_app_for(url))
        return made[-1]

    yield make
    for app in made:
        with app.app_context():
            db.engine.dispose()
