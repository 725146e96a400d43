"""Tables for Excel and CSV with Chinese headers: quarter results for HR, item analysis, appeals."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import lazyload

from exam_app.extensions import db
from exam_app.models import Appeal, Attempt, AttemptItem, Department, Paper, QuarterResult, User
from exam_app.models.appeals import APPEAL_OUTCOME_LABELS, APPEAL_STATUS_LABELS
from exam_app.reporting.sheets import Table
from exam_app.services.quality.quarters import quarter_scores, weights_of
from exam_app.services.reports import Report
from exam_app.web.filters import local_time

RESULT_HEADERS = ["工号", "姓名", "部门", "岗位", "试卷", "成绩", "满分", "是否合格"]
ITEM_HEADERS = [
    "题目编号", "题型", "知识点", "题干", "作答人数", "分值",
    "难度系数 F(%)", "标准差 SD(%)", "区分度 D(%)", "区分效率 E(%)", "需复查", "选项分布",
    "评分档次分布",
]  # fmt: skip


def quarter_results(quarter: str) -> Table:
    """Released results of a quarter (the staff files' record), one column per section."""
    rows = db.session.execute(
        select(QuarterResult, User.staff_no, User.name, User.position, Department.name)
        .join(User, QuarterResult.user_id == User.id)
        .outerjoin(Department, User.department_id == Department.id)
        .where(QuarterResult.quarter == quarter)
        .order_by(User.staff_no, QuarterResult.recorded_at)
    ).all()
    # Papers of one quarter may have different sections: the union, in order of appearance.
    sections: dict[str, None] = {}
    for result, *_ in rows:
        for part in result.sections:
            sections.setdefault(part["title"], None)
    # The combined score's columns once the lead has set the quarter's weights (issue 16).
    weighted = weights_of(quarter) is not None
    headers = RESULT_HEADERS + [f"{title}得分" for title in sections]
    headers += COMBINED_HEADERS if weighted else []
    combined = _combined_by_user(quarter, [r.user_id for r, *_ in rows]) if weighted else {}
    table = []
    for result, staff_no, name, position, dept in rows:
        scores = {part["title"]: part["score"] for part in result.sections}
        table.append(
            [
                staff_no,
                name,
                dept or "",
                position,
                result.paper_title,
                result.total,
                result.max_total,
                "合格" if result.passed else "不合格",
            ]  # fmt: skip
            + [_decimal(scores.get(title)) for title in sections]
            + combined.get(result.user_id, [None] * len(COMBINED_HEADERS) if weighted else [])
        )
    return (f"{quarter}成绩", headers, table)


COMBINED_HEADERS = ["服务质量分", "定性评价", "综合得分", "综合考核权重"]


def _combined_by_user(quarter: str, user_ids: list[int]) -> dict[int, list[object]]:
    """The quarter's combined score beside each result (issue 16), when weights are set."""
    people = list(db.session.scalars(
        select(User).where(User.id.in_(set(user_ids))).options(lazyload(User.role_rows))))  # fmt: skip
    out: dict[int, list[object]] = {}
    for row in quarter_scores(quarter, people):
        s = row.score
        if s is None:
            continue
        w = f"{s.weights.exam:g}/{s.weights.quality:g}/{s.weights.rating:g}"
        out[row.person.id] = [s.quality, s.rating, s.total, w]
    return out


def _decimal(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def item_analysis(report: Report) -> Table:
    rows = []
    for item in report.items:
        options = "；".join(
            f"{o.label}{'（答案）' if o.is_key else ''}：{o.count}" for o in item.options or []
        )
        s = item.stats
        rows.append(
            [
                item.uid,
                item.kind_label,
                item.topic,
                item.stem,
                item.count,
                item.points,
                s.facility,
                s.sd,
                s.discrimination,
                s.efficiency,
                "是" if s.flagged else "",
                options,
                "\n".join(c.text() for c in item.levels or []),
            ]  # fmt: skip
        )
    return ("题目分析", ITEM_HEADERS, rows)


APPEAL_HEADERS = [
    "工号", "姓名", "部门", "试卷", "题号", "原得分", "新得分", "状态", "结果",
    "申诉理由", "处理意见", "申诉时间", "处理时间",
]  # fmt: skip


def quarter_appeals(quarter: str) -> Table:
    """Appeals on the quarter's papers (models/appeals.py, built in the appeals issue)."""
    rows = db.session.execute(
        select(
            Appeal, AttemptItem.position, Paper.title, User.staff_no, User.name, Department.name
        )  # fmt: skip
        .join(AttemptItem, Appeal.attempt_item_id == AttemptItem.id)
        .join(Attempt, AttemptItem.attempt_id == Attempt.id)
        .join(Paper, Attempt.paper_id == Paper.id)
        .join(User, Appeal.user_id == User.id)
        .outerjoin(Department, User.department_id == Department.id)
        .where(Paper.quarter == quarter)
        .order_by(Appeal.filed_at)
    ).all()
    table = [
        [
            staff_no,
            name,
            dept or "",
            title,
            f"第 {position} 题",
            a.old_score,
            a.new_score,
            APPEAL_STATUS_LABELS.get(a.status, a.status),
            APPEAL_OUTCOME_LABELS.get(a.outcome or "", ""),
            a.reason,
            a.decision_reason,
            local_time(a.filed_at),
            local_time(a.decided_at),
        ]  # fmt: skip
        for a, position, title, staff_no, name, dept in rows
    ]
    return (f"{quarter}申诉", APPEAL_HEADERS, table)
