"""Frozen items, stored once per content and shared by every attempt item that drew it."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from exam_app.extensions import db
from exam_app.models import ItemSnapshot


def digest(content: dict[str, Any]) -> str:
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      default=str)  # fmt: skip
    return hashlib.sha1(text.encode()).hexdigest()


def snapshot_ids(contents: list[dict[str, Any]]) -> list[int]:
    """The id of each content's stored snapshot, storing those not yet there: one query to
    find them, one multi-row INSERT for the new ones, one query for their ids."""
    digests = [digest(c) for c in contents]
    wanted = dict(zip(digests, contents, strict=True))
    table = ItemSnapshot.__table__
    found = dict(
        db.session.execute(
            select(table.c.digest, table.c.id).where(table.c.digest.in_(wanted))
        ).all()
    )
    missing = [{"digest": d, "content": c} for d, c in wanted.items() if d not in found]
    if missing:
        try:
            with db.session.begin_nested():  # another start may store the same one meanwhile
                db.session.execute(insert(table), missing)
        except IntegrityError:
            pass  # theirs is as good as ours: same digest, same content
        found.update(
            db.session.execute(
                select(table.c.digest, table.c.id).where(
                    table.c.digest.in_([m["digest"] for m in missing])
                )
            ).all()
        )
    return [found[d] for d in digests]


def snapshot_for(content: dict[str, Any]) -> ItemSnapshot:
    return db.session.get(ItemSnapshot, snapshot_ids([content])[0])


def stored_rows(rows: list[dict[str, Any]], known: dict[str, int] | None = None) -> list[dict]:
    """Attempt item rows as built (each with its snapshot) turned into rows to INSERT (each
    with its snapshot's id). `known`: digest -> id kept by a caller storing many attempts."""
    known = {} if known is None else known
    digests = [digest(r["snapshot"]) for r in rows]
    new = [r["snapshot"] for r, d in zip(rows, digests, strict=True) if d not in known]
    if new:
        known.update(zip((digest(c) for c in new), snapshot_ids(new), strict=True))
    return [
        {k: v for k, v in r.items() if k != "snapshot"} | {"snapshot_id": known[d]}
        for r, d in zip(rows, digests, strict=True)
    ]
