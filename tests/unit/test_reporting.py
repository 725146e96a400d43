"""Pure report building: item analysis per drawn item, histograms, safe spreadsheets, rosters."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from openpyxl import Workbook, load_workbook

from exam_app.reporting.analysis import (
    ItemRow,
    MasteryRow,
    ResultRow,
    analyse_items,
    by_department,
    histogram,
    option_counts,
    topic_mastery,
)
from exam_app.reporting.roster_sheet import read_roster
from exam_app.reporting.sheets import to_csv, to_xlsx
from exam_app.reporting.svg import histogram_svg

WORKED = [[2, 2, 1], [2, 1, 2], [1, 2, 0], [2, 0, 1], [0, 1, 0], [1, 0, 0]]


def _rows(marks):
    return [
        ItemRow(a, q, Decimal(m), Decimal(2), None)
        for a, row in enumerate(marks)
        for q, m in enumerate(row)
    ]


def test_items_analysed_one_by_one_give_the_worked_example():
    totals = {a: Decimal(sum(row)) for a, row in enumerate(WORKED)}
    reports = {r.question_id: r.stats for r in analyse_items(_rows(WORKED), totals)}
    got = [(s.facility, s.sd, s.discrimination, s.efficiency, s.flagged) for s in reports.values()]
    assert got == [
        (66.67, 40.82, 53.94, 57.14, False),
        (50.0, 44.72, 0.0, 0.0, True),
        (33.33, 40.82, 53.94, 57.14, False),
    ]


def test_a_drawn_item_is_analysed_only_over_the_attempts_that_drew_it():
    marks = WORKED + [[2, 2, 2]]
    rows = _rows(WORKED) + [ItemRow(6, 9, Decimal(2), Decimal(2), None)]  # item 9: one attempt
    totals = {a: Decimal(sum(row)) for a, row in enumerate(marks)}
    reports = {r.question_id: r for r in analyse_items(rows, totals)}
    assert reports[9].count == 1 and reports[9].stats.flagged
    assert reports[9].stats.facility == 100.0


def test_histogram_bands_and_department_summaries():
    rows = [ResultRow("一部", Decimal(t), Decimal(100), t >= 60) for t in (0, 9.99, 10, 59, 100)]
    rows.append(ResultRow(None, Decimal(60), Decimal(100), True))
    assert histogram(rows) == [2, 1, 0, 0, 0, 1, 1, 0, 0, 1]
    first, second = by_department(rows)
    assert (first.label, first.count, first.pass_rate) == ("一部", 5, Decimal("20.0"))
    assert (second.label, second.mean) == ("（未分配部门）", Decimal("60.00"))


def test_option_counts_mark_the_key_and_count_every_choice():
    snap = {"kind": "multi", "key": {"answers": ["A", "C"]},
            "options": [{"label": x, "text": x} for x in "ABCD"]}  # fmt: skip
    counts = option_counts(snap, [["A", "C"], ["A"], ["B", "D"], None])
    assert [(o.label, o.count, o.is_key) for o in counts] == [
        ("A", 2, True), ("B", 1, False), ("C", 1, True), ("D", 1, False),
    ]  # fmt: skip
    tf = option_counts({"kind": "tf", "key": {"answer": False}}, [True, False, False, None])
    assert [(o.label, o.count, o.is_key) for o in tf] == [("正确", 1, False), ("错误", 2, True)]
    assert option_counts({"kind": "essay"}, ["text"]) is None


def test_topic_mastery_is_points_won_over_points_offered():
    rows = [MasteryRow("一部", "电价", Decimal(1), Decimal(2)),
            MasteryRow("一部", "电价", Decimal(2), Decimal(2)),
            MasteryRow(None, "法规", Decimal(0), Decimal(5))]  # fmt: skip
    departments, topics, cells = topic_mastery(rows)
    assert departments == ["一部", "（未分配部门）"] and topics == ["法规", "电价"]
    assert cells == {("一部", "电价"): Decimal("75.0"), ("（未分配部门）", "法规"): Decimal("0.0")}


def test_formula_like_text_stays_text_in_xlsx_and_csv():
    rows = [['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", Decimal("-3.5"), 7]]
    sheet = load_workbook(
        io.BytesIO(to_xlsx([("表", ["a", "b", "c", "d", "e", "f"], rows)]))
    ).active
    cells = list(sheet.iter_rows(min_row=2))[0]
    assert [c.data_type for c in cells[:4]] == ["s"] * 4
    assert cells[0].value == '=HYPERLINK("http://x")'
    assert (cells[4].value, cells[5].value) == (-3.5, 7)  # numbers stay numbers
    text = to_csv(["a", "b", "c", "d", "e", "f"], rows)
    assert text.startswith(b"\xef\xbb\xbf")
    line = next(iter(csv.reader(io.StringIO(text.decode("utf-8-sig").splitlines()[1]))))
    assert line == ['\'=HYPERLINK("http://x")', "'+1", "'-2", "'@SUM(A1)", "-3.5", "7"]


def test_histogram_svg_escapes_its_title():
    svg = histogram_svg([1, 0], ["0–50%", "50–100%"], "<script>")
    assert "<script>" not in svg and "&lt;script&gt;" in svg and svg.count("<rect") == 2


ROLE_NAMES = {"客服人员": "staff", "阅卷人": "reviewer", "staff": "staff", "reviewer": "reviewer"}


def _book(rows, header=("工号", "姓名", "部门", "岗位", "角色")) -> bytes:
    book = Workbook()
    book.active.append(list(header))
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_roster_rows_are_read_with_numbers_as_staff_numbers_and_roles_split():
    rows, errors = read_roster(
        _book([[1001, "张三", "一部", "", "客服人员、Reviewer"], []]), ROLE_NAMES
    )
    assert errors == []
    assert rows[0].staff_no == "1001" and rows[0].roles == {"staff", "reviewer"}
    assert rows[0].position == ""


def test_roster_errors_name_row_and_column():
    _, errors = read_roster(_book([["", "张三"], ["A1", "李四", "", "", "老板"]]), ROLE_NAMES)
    assert errors[0] == "第 2 行「工号」：不能为空。"
    assert errors[1].startswith("第 3 行「角色」：无法识别「老板」")
    _, missing = read_roster(_book([], header=("编号", "姓名")), ROLE_NAMES)
    assert missing[0].startswith("第 1 行缺少列：工号")
    assert read_roster(b"not a workbook", ROLE_NAMES)[1][0].startswith("文件无法读取")


def test_roster_reads_the_optional_direct_superior_column():
    header = ("工号", "姓名", "部门", "岗位", "角色", "直属上司工号")
    rows, errors = read_roster(
        _book([[1001, "张三", "", "", "", 2002.0], ["1002", "李四"]], header=header), ROLE_NAMES
    )
    assert errors == [] and [r.supervisor_no for r in rows] == ["2002", ""]
    assert read_roster(_book([["1001", "张三"]]), ROLE_NAMES)[0][0].supervisor_no == ""
    _, errors = read_roster(_book([["1001", "张三", "", "", "", "9" * 31]], header=header),
                            ROLE_NAMES)  # fmt: skip
    assert errors == ["第 2 行「直属上司工号」：最多 30 个字符。"]


LEVELLED = {
    "kind": "essay",
    "rubric": [
        {"id": "c1", "title": "业务知识", "points": "2", "step": "1", "key_points": ["甲"],
         "levels": [{"label": "正确", "points": "2", "description": "对"},
                    {"label": "部分正确", "points": "1", "description": "半对"},
                    {"label": "不正确", "points": "0", "description": "错"}]},
        {"id": "c2", "title": "表达", "points": "1", "step": "1", "key_points": ["乙"]},
    ],
}  # fmt: skip


def test_level_counts_tally_each_marks_chosen_level():
    from exam_app.reporting.analysis import chosen_levels, level_counts

    rubric = LEVELLED["rubric"]
    chosen = [chosen_levels(rubric, {"c1": p, "c2": "1"}) for p in ("2", "1.0", "1", "0")]
    assert chosen[0] == {"c1": "正确"}  # the free criterion is left out
    (knowledge,) = level_counts(LEVELLED, chosen)
    assert [(lv.label, lv.count) for lv in knowledge.levels] == [
        ("正确", 1),
        ("部分正确", 2),
        ("不正确", 1),
    ]
    assert knowledge.text() == "业务知识：正确 1、部分正确 2、不正确 1"
    older = [{"c1": "大体正确"}, {"c1": None}]
    assert level_counts(LEVELLED, older)[0].text() == (
        "业务知识：正确 0、部分正确 0、不正确 0、其他版本的档次 2"
    )
    assert level_counts({"kind": "essay", "rubric": [rubric[1]]}, chosen) is None
    assert level_counts({"kind": "single"}, []) is None
