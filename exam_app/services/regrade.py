"""Correcting an objective item's answer key on one paper (更正答案) and regrading its attempts.

The corrected key goes into the snapshots of this paper's attempts only: the snapshot is the
paper's frozen copy, so other papers (and the bank) keep theirs. A dry run grades the stored
responses against the corrected key with the pure grader and changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from exam_app.extensions import db
from exam_app.grading import AUTO_KINDS, GradingError, score_item, validate_key
from exam_app.models import Attempt, AttemptItem, ItemSnapshot, KeyCorrection, Paper, Role, User
from exam_app.services.errors import NotAllowed, ServiceError
from exam_app.services.item_snapshots import snapshot_for
from exam_app.services.retotal import retotal
from exam_app.services.scores import set_score

_TRUE, _FALSE = {"正确", "对", "是", "√", "T", "TRUE"}, {"错误", "错", "否", "×", "F", "FALSE"}
_WEIGHTED = re.compile(r"^\((\d{1,3})%\)\s*(.+)$")


@dataclass(frozen=True)
class KeyedItem:
    """One objective question of the paper, as its attempts froze it (uid and version)."""

    question_id: int
    version: int
    snapshot: dict[str, Any]
    count: int  # attempt items holding it


def keyed_items(paper: Paper) -> list[KeyedItem]:
    rows = db.session.scalars(
        select(AttemptItem)
        .join(Attempt, AttemptItem.attempt_id == Attempt.id)
        .where(Attempt.paper_id == paper.id, AttemptItem.kind.in_(sorted(AUTO_KINDS)))
        .order_by(AttemptItem.section_position, AttemptItem.position, AttemptItem.id)
    ).all()
    found: dict[tuple[int, int], KeyedItem] = {}
    for item in rows:
        ident = (item.question_id or 0, int(item.snapshot.get("version") or 0))
        seen = found.get(ident)
        count = seen.count + 1 if seen else 1
        found[ident] = KeyedItem(ident[0], ident[1], (seen or item).snapshot, count)
    return list(found.values())


def find_keyed(paper: Paper, question_id: int, version: int) -> KeyedItem | None:
    return next(
        (k for k in keyed_items(paper) if (k.question_id, k.version) == (question_id, version)),
        None,
    )


def key_text(snapshot: dict[str, Any]) -> str:
    """The key as the correction form writes it (the inverse of parse_key)."""
    kind, key = snapshot["kind"], snapshot.get("key") or {}
    if kind == "single":
        return str(key.get("answer", ""))
    if kind == "multi":
        return "".join(sorted(key.get("answers", [])))
    if kind == "tf":
        return "正确" if key.get("answer") else "错误"
    lines = []
    for blank in key.get("blanks", []):
        forms = []
        for entry in blank:
            text, weight = (entry, "1") if isinstance(entry, str) else entry
            share = Decimal(str(weight)) * 100
            forms.append(text if share == 100 else f"({share:.0f}%) {text}")
        lines.append(" | ".join(forms))
    return "\n".join(lines)


def parse_key(snapshot: dict[str, Any], text: str) -> dict[str, Any]:
    """The corrected key from the form: B (单选), AC (多选), 正确/错误 (判断), one line per blank
    with alternatives split by | and partial credit as (50%) 写法 (填空)."""
    kind, old = snapshot["kind"], snapshot.get("key") or {}
    text = (text or "").strip()
    if not text:
        raise ServiceError("请填写更正后的答案。", field="key")
    labels = {o["label"] for o in snapshot.get("options") or []}
    if kind == "single":
        key: dict[str, Any] = {"answer": text.upper()}
        if key["answer"] not in labels:
            raise ServiceError(f"答案「{text}」不是这道题的选项。", field="key")
    elif kind == "multi":
        answers = sorted({c for c in text.upper() if not c.isspace() and c not in ",，、"})
        unknown = [a for a in answers if a not in labels]
        if unknown:
            raise ServiceError(f"选项 {'、'.join(unknown)} 不是这道题的选项。", field="key")
        key = {"answers": answers}  # option weights of the old key no longer fit: dropped
    elif kind == "tf":
        word = text.upper()
        if word not in _TRUE | _FALSE:
            raise ServiceError("判断题的答案应为「正确」或「错误」。", field="key")
        key = {"answer": word in _TRUE}
    else:
        key = {**old, "blanks": _blanks(text, len(old.get("blanks", [])))}
    try:
        validate_key(kind, key, snapshot.get("rule"))
    except GradingError as e:
        raise ServiceError(str(e), field="key") from None
    return key


def _blanks(text: str, expected: int) -> list[list[list[str]]]:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) != expected:
        raise ServiceError(f"这道题有 {expected} 个空，请每行写一个空的答案。", field="key")
    blanks = []
    for number, line in enumerate(lines, 1):
        forms = []
        for part in (p.strip() for p in line.split("|")):
            if not part:
                raise ServiceError(f"第 {number} 空有空白的答案写法。", field="key")
            weighted = _WEIGHTED.match(part)
            if weighted:
                share = int(weighted.group(1))
                forms.append([weighted.group(2).strip(), str(Decimal(share) / 100)])
            else:
                forms.append([part, "1"])
        blanks.append(forms)
    return blanks


@dataclass(frozen=True)
class Change:
    item: AttemptItem
    old: Decimal
    new: Decimal

    @property
    def attempt(self) -> Attempt:
        return self.item.attempt

    @property
    def delta(self) -> Decimal:
        return self.new - self.old


def _items(paper: Paper, keyed: KeyedItem) -> list[AttemptItem]:
    rows = db.session.scalars(
        select(AttemptItem)
        .join(Attempt, AttemptItem.attempt_id == Attempt.id)
        .where(Attempt.paper_id == paper.id, AttemptItem.question_id == keyed.question_id)
        .order_by(Attempt.id)
    ).all()
    return [i for i in rows if int(i.snapshot.get("version") or 0) == keyed.version]


def dry_run(paper: Paper, keyed: KeyedItem, new_key: dict[str, Any]) -> list[Change]:
    """Whose score would change, and by how much: nothing is written."""
    changes = []
    for item in _items(paper, keyed):
        if item.attempt.status == "in_progress" or not item.counted or item.score is None:
            continue  # not graded yet: it will be graded against the corrected key
        rule = item.snapshot.get("rule")
        new = score_item(item.kind, new_key, item.response, item.points, rule).score
        if new != item.score:
            changes.append(Change(item, item.score, new))
    return changes


def apply(
    paper: Paper, keyed: KeyedItem, new_key: dict[str, Any], lead: User, reason: str, now: datetime
) -> tuple[KeyCorrection, list[Change]]:
    if not lead.has_role(Role.LEAD):
        raise NotAllowed("只有培训负责人可以更正答案。")
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("请填写更正原因。", field="reason")
    if len(reason) > 1000:
        raise ServiceError("更正原因最多 1000 字。", field="reason")
    if new_key == keyed.snapshot.get("key"):
        raise ServiceError("更正后的答案与原答案相同。", field="key")
    changes = dry_run(paper, keyed, new_key)
    corrected: dict[int, ItemSnapshot] = {}  # by the old snapshot: one new one each
    for item in _items(paper, keyed):
        # Snapshots are shared and never changed: the corrected items point at a new one.
        if item.snapshot_id not in corrected:
            corrected[item.snapshot_id] = snapshot_for({**item.snapshot, "key": new_key})
        item.snapshot_row = corrected[item.snapshot_id]
    for change in changes:
        set_score(
            change.item, change.new, source="regrade", actor=lead,
            reason=f"更正答案：{reason}", at=now,
        )  # fmt: skip
    for attempt in {c.attempt.id: c.attempt for c in changes}.values():
        retotal(attempt)
    correction = KeyCorrection(
        paper_id=paper.id,
        question_id=keyed.question_id,
        old_key=keyed.snapshot.get("key") or {},
        new_key=new_key,
        reason=reason,
        lead_id=lead.id,
        items_changed=len(changes),
        created_at=now,
    )
    db.session.add(correction)
    db.session.commit()
    return correction, changes


def corrections_of(paper: Paper) -> list[KeyCorrection]:
    return list(
        db.session.scalars(
            select(KeyCorrection)
            .where(KeyCorrection.paper_id == paper.id)
            .order_by(KeyCorrection.id.desc())
        )
    )
