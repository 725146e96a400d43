"""Settings, read from the environment with safe defaults for one centre.

Nothing secret lives in the repository: unless SECRET_KEY is set, a random key is
made once under instance/ and reused, so sessions survive restarts.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("EXAM_INSTANCE_DIR", BASE_DIR / "instance"))


def _secret_key(instance_dir: Path) -> str:
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = instance_dir / "secret_key"
    if not path.exists():
        instance_dir.mkdir(parents=True, exist_ok=True)
        # O_EXCL: two workers starting at once must not write two different keys.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
    return path.read_text().strip()


def _database_url(instance_dir: Path) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres://"):  # the scheme Heroku-style URLs use
        url = "postgresql+psycopg://" + url.removeprefix("postgres://")
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url or f"sqlite:///{instance_dir / 'exam.db'}"


def date_list(text: str) -> list[str]:
    """`2026-10-01, 2026-10-02` -> ["2026-10-01", "2026-10-02"]; checked where it is used."""
    return [part.strip() for part in text.split(",") if part.strip()]


class Config:
    """Defaults; create_app(test_config) overrides any of them."""

    INSTANCE_DIR = INSTANCE_DIR
    SECRET_KEY = _secret_key(INSTANCE_DIR)
    SQLALCHEMY_DATABASE_URI = _database_url(INSTANCE_DIR)
    # pool_pre_ping is set by exam_app/database.py from the URL the app really uses.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    CONTENT_ROOT = Path(os.environ.get("EXAM_CONTENT_ROOT", BASE_DIR))

    # Autosave in a long exam must not die when a CSRF token ages out: tokens live
    # as long as the signed session does (the session is renewed at login).
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") == "1"
    REMEMBER_COOKIE_HTTPONLY = True
    # A sign-in ends after SESSION_LIFETIME_HOURS however active (one work shift), and after
    # SESSION_IDLE_MINUTES without a request (ASVS V3.3.2 at L2: 12 hours / 30 minutes). An
    # open attempt page asks the server's clock every minute, so a candidate thinking over
    # a case is not idle. The cookie's "last seen" stamp is renewed at most every
    # SESSION_SEEN_EVERY seconds: no other request signs a new cookie or writes anything.
    SESSION_LIFETIME_HOURS = float(os.environ.get("SESSION_LIFETIME_HOURS", "12"))
    SESSION_IDLE_MINUTES = float(os.environ.get("SESSION_IDLE_MINUTES", "30"))
    SESSION_SEEN_EVERY = int(os.environ.get("SESSION_SEEN_EVERY", "300"))
    SESSION_REFRESH_EACH_REQUEST = False
    # Behind one reverse proxy (nginx) that terminates HTTPS: trust its X-Forwarded-* headers.
    TRUST_PROXY = os.environ.get("TRUST_PROXY", "0") == "1"
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    # Sign-in throttling: this many failures per username and address in the window.
    LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
    LOGIN_FAILURE_WINDOW_MINUTES = int(os.environ.get("LOGIN_FAILURE_WINDOW_MINUTES", "15"))

    # SQLite: a background thread copies the WAL into the database every this many seconds
    # once it holds more than SQLITE_CHECKPOINT_BYTES, instead of the request whose commit
    # crossed 1,000 pages doing it (exam_app/database.py). 0: SQLite's own checkpoints.
    SQLITE_CHECKPOINT_EVERY = float(os.environ.get("SQLITE_CHECKPOINT_EVERY", "1"))
    SQLITE_CHECKPOINT_BYTES = int(os.environ.get("SQLITE_CHECKPOINT_BYTES", str(4 << 20)))

    # Request bodies: the largest upload (a question bank or a roster workbook), and the much
    # smaller ceiling for autosave, flags, the left-page beacon and the sign-in form.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(16 * 1024 * 1024)))
    SMALL_REQUEST_LENGTH = int(os.environ.get("SMALL_REQUEST_LENGTH", str(64 * 1024)))

    # Seconds after a deadline in which a save is still accepted (network latency).
    ANSWER_GRACE_SECONDS = int(os.environ.get("ANSWER_GRACE_SECONDS", "30"))
    # Working days after a service-quality record is made within which the person may appeal.
    QUALITY_APPEAL_DAYS = int(os.environ.get("QUALITY_APPEAL_DAYS", "5"))

    # Appeal deadlines count working days on China's official calendar (chinesecalendar:
    # public holidays and 调休 working weekends); these YYYY-MM-DD lists, separated by
    # commas, override it with the company's own days off and working weekends.
    HOLIDAYS = date_list(os.environ.get("HOLIDAYS", ""))
    WORKING_WEEKENDS = date_list(os.environ.get("WORKING_WEEKENDS", ""))
