"""How much a submission writes: SQLite WAL pages per 100-item submission.

Run (from the repository): .venv/bin/python bench/wal_per_submission.py

Builds the bench's database (30 candidates, the 100-item paper, attempts prepared), starts
20 attempts, empties the WAL, submits the 20 with automatic checkpoints off and counts the
WAL frames (4 KB pages) they wrote. A count, not a time: it holds on a noisy machine, and
it is what a submission window multiplies (2,000 submissions in 30 s).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("EXAM_INSTANCE_DIR", tempfile.mkdtemp(prefix="exam-wal-"))
os.environ.setdefault("SECRET_KEY", "bench-secret-key")

from bench.load_bench import build_database  # noqa: E402

SUBMISSIONS = 20


def main() -> None:
    from sqlalchemy import select, text

    from exam_app import create_app
    from exam_app.extensions import db
    from exam_app.models import Attempt, Paper, User
    from exam_app.services import attempts

    workdir = Path(tempfile.mkdtemp(prefix="exam-wal-"))
    url = f"sqlite:///{workdir / 'exam.db'}"
    plan = build_database(url, SUBMISSIONS + 10, 100)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SQLITE_CHECKPOINT_EVERY": 0})
    with app.app_context():
        paper = db.session.get(Paper, plan["paper_id"])
        started = []
        for name in plan["usernames"][:SUBMISSIONS]:
            user = db.session.scalar(select(User).where(User.username == name))
            started.append(attempts.start(paper, user))
        db.session.commit()
        db.session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        db.session.execute(text("PRAGMA wal_autocheckpoint=0"))
        db.session.commit()
        for attempt_id in started:
            attempts.submit(db.session.get(Attempt, attempt_id))
        _busy, frames, _copied = db.session.execute(text("PRAGMA wal_checkpoint(PASSIVE)")).one()
        size = (workdir / "exam.db").stat().st_size // 1024
    print(f"{SUBMISSIONS} submissions wrote {frames} WAL pages: {frames / SUBMISSIONS:.1f} pages "
          f"({frames * 4 / SUBMISSIONS:.0f} KB) each; database {size} KB")  # fmt: skip


if __name__ == "__main__":
    main()
