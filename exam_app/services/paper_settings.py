"""A paper's settings: validated in one place for creating and for editing a draft."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal, InvalidOperation

from exam_app.extensions import db
from exam_app.grading import MULTI_RULES
from exam_app.models import Paper, User
from exam_app.models.papers import MARKING_RULE_LABELS, PAPER_KIND_LABELS, RELEASE_POLICY_LABELS
from exam_app.services.errors import ServiceError

QUARTER = re.compile(r"^20\d\dQ[1-4]$")


def positive_decimal(value, field: str, label: str, *, zero_ok: bool = False) -> Decimal:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ServiceError(f"{label}不是有效的数字。", field=field) from None
    too_small = number < 0 if zero_ok else number <= 0
    if not number.is_finite() or too_small or number != number.quantize(Decimal("0.01")):
        floor = "不小于 0" if zero_ok else "大于 0"
        raise ServiceError(f"{label}必须是{floor}、最多两位小数的数。", field=field)
    return number


def editable(paper: Paper) -> None:
    if paper.status != "draft":
        raise ServiceError(
            f"试卷「{paper.title}」已{paper.status_label}，不能再修改；请先“修订”生成新的草稿版本。"
        )


@dataclass
class PaperSettings:
    title: str
    quarter: str
    opens_at: datetime
    closes_at: datetime
    time_limit_minutes: int
    pass_mark: Decimal | str
    instructions: str = ""
    kind: str = "exam"
    full_marks: Decimal | str | None = None
    multi_rule: str = "half"
    attempts_allowed: int = 1
    shuffle_items: bool = False
    shuffle_options: bool = False
    tab_switch_limit: int | None = None
    release_policy: str = "auto"
    double_marking: bool = False
    marking_tolerance: Decimal | str = Decimal("2")
    marking_rule: str = "average"
    appeal_days: int = 5

    def validated(self) -> dict:
        if not self.title.strip():
            raise ServiceError("试卷名称不能为空。", field="title")
        if not QUARTER.match(self.quarter or ""):
            raise ServiceError("季度格式应为 2026Q4 这样的形式。", field="quarter")
        if self.closes_at <= self.opens_at:
            raise ServiceError("结束时间必须晚于开始时间。", field="closes_at")
        if not 0 < self.time_limit_minutes <= 24 * 60:
            raise ServiceError("考试时长应在 1 到 1440 分钟之间。", field="time_limit_minutes")
        choices = {
            "kind": PAPER_KIND_LABELS,
            "multi_rule": MULTI_RULES,
            "release_policy": RELEASE_POLICY_LABELS,
            "marking_rule": MARKING_RULE_LABELS,
        }
        for name, allowed in choices.items():
            if getattr(self, name) not in allowed:
                raise ServiceError("选项无效。", field=name)
        if not 1 <= self.attempts_allowed <= 20:
            raise ServiceError("允许作答次数应在 1 到 20 之间。", field="attempts_allowed")
        if self.tab_switch_limit is not None and self.tab_switch_limit < 1:
            raise ServiceError("切屏次数上限至少为 1（不限制请留空）。", field="tab_switch_limit")
        if not 0 <= self.appeal_days <= 60:
            raise ServiceError("申诉期限应在 0 到 60 个工作日之间。", field="appeal_days")
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values["title"] = self.title.strip()
        values["pass_mark"] = positive_decimal(self.pass_mark, "pass_mark", "及格分", zero_ok=True)
        values["marking_tolerance"] = positive_decimal(
            self.marking_tolerance, "marking_tolerance", "双评分差容限", zero_ok=True
        )
        values["full_marks"] = (
            positive_decimal(self.full_marks, "full_marks", "满分")
            if self.full_marks not in (None, "")
            else None
        )
        return values

    @classmethod
    def of(cls, paper: Paper) -> PaperSettings:
        return cls(**{f.name: getattr(paper, f.name) for f in fields(cls)})


def create_paper(*, created_by: User, **settings) -> Paper:
    paper = Paper(**PaperSettings(**settings).validated(), created_by_id=created_by.id)
    db.session.add(paper)
    db.session.flush()
    paper.lineage_id = paper.id
    db.session.commit()
    return paper


def update_settings(paper: Paper, settings: PaperSettings) -> None:
    editable(paper)
    for name, value in settings.validated().items():
        setattr(paper, name, value)
    db.session.commit()
