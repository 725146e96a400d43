"""Reports and exports: Moodle's item statistics on the page, files read back, query counts."""

from __future__ import annotations

import csv
import io
import re

from openpyxl import load_workbook
from sqlalchemy import event

from exam_app.extensions import db
from exam_app.models import Role
from tests.factories import person
from tests.report_data import WORKED_MARKS, WORKED_STATS, released, staff, three_item_paper


def _cells(html: str, uid: str) -> tuple[str, ...]:
    row = re.search(rf'<tr class="([^"]*)" data-uid="{re.escape(uid)}">(.*?)</tr>', html, re.S)
    assert row, uid
    return row.group(1), *(
        re.search(rf'<td class="{c}">([^<]*)</td>', row.group(2)).group(1)
        for c in ("f", "sd", "d", "e")
    )


def _worked_example():
    lead = person("lead", Role.LEAD)
    paper = three_item_paper(lead)
    released(paper, staff(6), WORKED_MARKS)
    return paper, [si.question.uid for si in paper.sections[0].items]


def test_item_statistics_on_the_report_match_the_worked_example(app, make_client):
    paper, uids = _worked_example()
    web = make_client()
    web.login("lead")
    html = web.get(f"/reports/paper/{paper.id}").get_data(as_text=True)
    for uid, expected in zip(uids, WORKED_STATS, strict=True):
        flag_class, *figures = _cells(html, uid)
        assert tuple(figures) == expected, uid
        # Only item 2 (D = 0, E = 0 < 15) is flagged for review.
        assert ("flagged-item" in flag_class) == (expected[2] == "0.00"), uid
    # Totals 5 5 3 3 1 1 against a pass mark of 3: four of six pass.
    assert re.search(r'id="pass-rate">66.7%<', html)
    assert "<svg" in html and "得分率分布" in html
    # Option counts: item 1 was answered right (2 points) by three of six people.
    row = re.search(rf'data-uid="{uids[0]}">(.*?)</tr>', html, re.S).group(1)
    assert re.search(r'<li class="key" title="正确答案">[A-Z]（答案）：3</li>', row)
    # Topic mastery: 客服一部 won 18 of 36 points.
    assert "客服一部" in html and ">50.0<" in html


def test_item_analysis_export_reads_back_in_excel_and_csv(app, make_client):
    paper, uids = _worked_example()
    web = make_client()
    web.login("lead")
    response = web.get(f"/reports/paper/{paper.id}/items.xlsx")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("题目编号", "题型", "知识点", "题干")
    assert rows[0][6:11] == (
        "难度系数 F(%)",
        "标准差 SD(%)",
        "区分度 D(%)",
        "区分效率 E(%)",
        "需复查",
    )
    assert [r[0] for r in rows[1:]] == uids
    assert rows[2][6:11] == (50.0, 44.72, 0.0, 0.0, "是")
    assert rows[1][4:6] == (6, 2)

    data = web.get(f"/reports/paper/{paper.id}/items.csv").data
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for Chinese
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert lines[0][0] == "题目编号" and lines[1][0] == uids[0] and lines[1][6] == "66.67"


def test_quarter_results_export_for_hr(app, make_client):
    paper, _ = _worked_example()
    hr = person("hr", Role.HR)
    assert hr.has_role(Role.HR)
    web = make_client()
    web.login("hr")
    response = web.get("/reports/quarter/2026Q4/results.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("工号", "姓名", "部门", "岗位", "试卷", "成绩", "满分", "是否合格",
                       "一、单选题得分")  # fmt: skip
    assert rows[1] == ("B000000", "员工0", "客服一部", "话务员", "统计测试卷", 5, 6, "合格", 5)
    assert rows[5][7] == "不合格"
    text = web.get("/reports/quarter/2026Q4/results.csv").data.decode("utf-8-sig")
    assert text.splitlines()[1] == "B000000,员工0,客服一部,话务员,统计测试卷,5,6,合格,5"


def test_staff_cannot_open_reports_and_bad_quarters_are_not_found(app, make_client):
    person("s", Role.STAFF)
    person("lead", Role.LEAD)
    web = make_client()
    web.login("s")
    assert web.get("/reports/").status_code == 403
    web = make_client()
    web.login("lead")
    assert web.get("/reports/quarter/2026Q9").status_code == 404
    assert web.get("/reports/quarter/2026Q4/results.pdf").status_code == 404


def _count_queries(web, url: str) -> int:
    count = 0

    def before(*_args):
        nonlocal count
        count += 1

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        response = web.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    assert response.status_code == 200, url
    return count


def test_report_pages_make_the_same_number_of_queries_for_10_and_1000_staff(app, make_client):
    lead = person("lead", Role.LEAD)
    paper = three_item_paper(lead)
    pattern = [[2, 2, 1], [2, 1, 2], [1, 2, 0], [2, 0, 1], [0, 1, 0]]
    people = staff(10)
    released(paper, people, (pattern * 2)[:10])
    web = make_client()
    web.login("lead")
    urls = ["/reports/", f"/reports/paper/{paper.id}", "/reports/quarter/2026Q4",
            f"/reports/paper/{paper.id}/items.xlsx", "/reports/quarter/2026Q4/results.csv"]  # fmt: skip
    small = {url: _count_queries(web, url) for url in urls}

    more = staff(990, department="客服二部", start=10)
    released(paper, more, (pattern * 198)[:990])
    large = {url: _count_queries(web, url) for url in urls}
    assert large == small, (small, large)
    html = web.get(f"/reports/paper/{paper.id}").get_data(as_text=True)
    assert 'id="count">1000<' in html and "客服二部" in html


def test_appeals_export_lists_the_quarters_appeals(app, make_client):
    from datetime import date

    from sqlalchemy import select

    from exam_app.models import Appeal, AttemptItem, User
    from exam_app.models.base import utcnow

    paper, _ = _worked_example()
    item = db.session.scalars(select(AttemptItem).order_by(AttemptItem.id)).first()
    appellant = db.session.get(User, item.attempt.user_id)
    db.session.add(
        Appeal(
            attempt_item_id=item.id,
            user_id=appellant.id,
            reason="=我认为答案有歧义",
            deadline=date(2026, 12, 31),
            old_score=item.score,
            filed_at=utcnow(),
        )  # fmt: skip
    )
    db.session.commit()
    web = make_client()
    web.login("lead")
    sheet = load_workbook(io.BytesIO(web.get("/reports/quarter/2026Q4/appeals.xlsx").data)).active
    rows = list(sheet.iter_rows())
    assert rows[0][0].value == "工号" and rows[1][0].value == appellant.staff_no
    reason = rows[1][9]
    assert reason.value == "=我认为答案有歧义" and reason.data_type == "s"  # not a formula
    assert rows[1][7].value == "处理中"
