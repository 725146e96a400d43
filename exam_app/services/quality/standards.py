"""The standards catalogue in the database: synced from the catalogue file like the bank
from its files, plus the standards leads add in the app; retired ones stay on old records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from exam_app.extensions import db
from exam_app.models import QualityStandard, User
from exam_app.quality import load_catalogue
from exam_app.services.errors import ServiceError
from exam_app.services.quality.audit import note

APP_PREFIX = "app-"  # codes of standards added in the app, so the file can never take them
MAX_TITLE, MAX_TEXT = 200, 2000


@dataclass
class StandardsReport:
    version: str = ""
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return (
            f"考核标准（版本 {self.version}）：新增 {len(self.added)} 条，"
            f"更新 {len(self.changed)} 条，停用 {len(self.retired)} 条。"
        )


def sync_standards(root: Path, now: datetime) -> StandardsReport:
    """Bring the file's standards into the database; raises CatalogueInvalid (file and line)
    before writing anything. A changed text or points gets a new revision; records keep the
    points they were made with. A standard gone from the file is retired, never deleted;
    retiring is one-way (one retired in the app stays retired whatever the file says)."""
    catalogue = load_catalogue(root)
    report = StandardsReport(version=catalogue.version)
    stored = {
        s.code: s
        for s in db.session.scalars(select(QualityStandard).where(QualityStandard.origin == "file"))
    }
    for spec in catalogue.standards:
        row = stored.pop(spec.code, None)
        values = {
            "title": spec.title,
            "text": spec.text,
            "points": spec.points,
            "category": spec.category,
            "source": spec.source,
        }
        if row is None:
            db.session.add(
                QualityStandard(
                    code=spec.code, origin="file", catalogue_version=catalogue.version,
                    file_line=spec.line, retired=spec.retired,
                    retired_at=now if spec.retired else None, created_at=now, updated_at=now,
                    **values,
                )
            )  # fmt: skip
            report.added.append(spec.code)
            continue
        row.file_line = spec.line
        if any(getattr(row, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(row, key, value)
            row.revision += 1
            row.catalogue_version, row.updated_at = catalogue.version, now
            report.changed.append(spec.code)
        if spec.retired and not row.retired:
            row.retired, row.retired_at = True, now
            report.retired.append(spec.code)
    for row in stored.values():  # gone from the file: retired, kept for the records
        if not row.retired:
            row.retired, row.retired_at = True, now
            report.retired.append(row.code)
    db.session.commit()
    return report


def offered() -> list[QualityStandard]:
    """What a new record may cite: every standard not retired, by code."""
    return list(
        db.session.scalars(
            select(QualityStandard)
            .where(QualityStandard.retired.is_(False))
            .order_by(QualityStandard.code)
        )
    )


def every_standard() -> list[QualityStandard]:
    return list(
        db.session.scalars(
            select(QualityStandard).order_by(QualityStandard.retired, QualityStandard.code)
        )
    )


def titles() -> dict[str, str]:
    return dict(db.session.execute(select(QualityStandard.code, QualityStandard.title)).all())


def _points(raw: str) -> int:
    text = (raw or "").strip().replace("＋", "+").replace("－", "-")
    try:
        points = int(text)
    except ValueError:
        raise ServiceError("「分值」应为整数，扣分写负数（如 -2），加分写正数（如 5）。",
                           field="points") from None  # fmt: skip
    if points == 0 or not -100 <= points <= 100:
        raise ServiceError("「分值」应在 -100 到 100 之间，且不能为 0。", field="points")
    return points


def add_standard(
    lead: User, *, title: str, text: str, points: str, category: str, source: str,
    now: datetime,
) -> QualityStandard:  # fmt: skip
    title, text = (title or "").strip(), (text or "").strip()
    if not title:
        raise ServiceError("请填写「标题」。", field="title")
    if len(title) > MAX_TITLE:
        raise ServiceError(f"「标题」最多 {MAX_TITLE} 字。", field="title")
    if len(text) > MAX_TEXT:
        raise ServiceError(f"「标准内容」最多 {MAX_TEXT} 字。", field="text")
    value = _points(points)
    count = len(db.session.scalars(
        select(QualityStandard.id).where(QualityStandard.origin == "app")).all())  # fmt: skip
    standard = QualityStandard(
        code=f"{APP_PREFIX}{count + 1:03d}", title=title, text=text or title, points=value,
        category=(category or "").strip()[:100], source=(source or "").strip()[:200] or "本单位补充",
        origin="app", catalogue_version="", created_at=now, updated_at=now,
    )  # fmt: skip
    db.session.add(standard)
    db.session.flush()
    note("standard_added", f"standard:{standard.code}", lead, now, points=value, title=title)
    db.session.commit()
    return standard


def retire_standard(lead: User, standard: QualityStandard, now: datetime) -> None:
    """Not offered for new records any more; every record that cites it keeps it."""
    if standard.retired:
        raise ServiceError(f"标准 {standard.code} 已停用。", status=409)
    standard.retired, standard.retired_at = True, now
    note("standard_retired", f"standard:{standard.code}", lead, now)
    db.session.commit()
