"""Excel for finance (the month's fines, the public list, supervisors' shares, adjustments)
and HR (the quarter's combined scores): Chinese headers, text cells safe from formulas."""

from __future__ import annotations

from exam_app.reporting.sheets import Table
from exam_app.services.quality import quarters
from exam_app.services.quality.month_view import MonthView
from exam_app.web.filters import local_time

PEOPLE_HEADERS = [
    "工号", "姓名", "部门", "扣分", "加分", "净分", "扣分罚款(元)", "加罚(元)", "个人罚款合计(元)",
    "处理", "公布张贴", "公布原因", "记录数",
]  # fmt: skip
SHARE_HEADERS = ["上司工号", "直属上司", "部门", "责任人", "记录编号", "承担罚款(元)", "原因"]
ADJUST_HEADERS = ["所调整月份", "工号", "姓名", "已结算(元)", "现应为(元)", "差额(元)", "原因"]
DEPT_HEADERS = ["部门", "人数", "扣分", "加分", "罚款合计(元)", "公布张贴人数"]
RECORD_HEADERS = [
    "记录编号", "发生日期", "工号", "姓名", "部门", "标准编号", "标准", "分值", "情况说明",
    "记录人", "上司连带",
]  # fmt: skip
QUARTER_HEADERS = [
    "工号", "姓名", "部门", "考试成绩(%)", "服务质量分", "定性评价", "考试权重", "服务质量权重",
    "定性权重", "综合得分", "缺项",
]  # fmt: skip


def month_tables(view: MonthView) -> list[Table]:
    state = (
        f"已确认 {local_time(view.confirmed.confirmed_at)}" if view.confirmed else "未确认（草稿）"
    )
    people = [
        [p.staff_no, p.name, p.department, p.deducted, p.added, p.net, p.point_fine,
         p.extra_fine, p.total_fine, p.step, p.posted, "；".join(p.post_reasons), p.records]
        for p in view.people
    ]  # fmt: skip
    people.append(["合计", state, "", "", "", "", "", "", view.total_fines, "", "", "", ""])
    shares = [
        [s.staff_no, s.name, s.department, s.person_name,
         "、".join(map(str, s.record_ids)), s.fine, s.reason]
        for s in view.supervisors
    ]  # fmt: skip
    adjustments = [
        [a.month, a.staff_no, a.name, a.before, a.after, a.difference, a.why]
        for a in view.adjustments
    ]
    departments = [
        [d.name, d.people, d.deducted, d.added, d.fines, d.posted] for d in view.departments
    ]
    records = [
        [r.id, r.occurred_on, r.staff_no, r.name, r.department, r.code, r.title, r.points,
         r.observed, r.recorded_by, r.supervisor_liable]
        for r in view.records
    ]  # fmt: skip
    return [
        ("个人汇总", PEOPLE_HEADERS, people),
        ("直属上司连带", SHARE_HEADERS, shares),
        ("以前月份调整", ADJUST_HEADERS, adjustments),
        ("部门汇总", DEPT_HEADERS, departments),
        ("记录明细", RECORD_HEADERS, records),
    ]


def quarter_table(quarter: str) -> Table:
    rows = []
    for row in quarters.quarter_scores(quarter, quarters.staff_in_quarter()):
        p, s = row.person, row.score
        dept = p.department.name if p.department else ""
        if s is None:
            rows.append([p.staff_no, p.name, dept] + [None] * 7 + ["未设置权重"])
            continue
        rows.append(
            [p.staff_no, p.name, dept, s.exam, s.quality, s.rating, s.weights.exam,
             s.weights.quality, s.weights.rating, s.total, "、".join(s.missing)]
        )  # fmt: skip
    return (f"{quarter}综合考核", QUARTER_HEADERS, rows)
