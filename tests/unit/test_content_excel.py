"""The Excel template both ways: the whole bank survives a round trip; bad files get row errors."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from exam_app.content import load_content
from exam_app.content.excel import question_columns, write_workbook
from exam_app.content.excel_read import read_workbook

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def shipped():
    content = load_content(ROOT)
    assert not content.errors
    return content


def everything(content):
    return content.questions + [q for case in content.cases for q in case.questions]


def book(
    rows: list[list], header: list[str] | None = None, cases: list[list] | None = None
) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "题目"
    sheet.append(header or question_columns())
    for row in rows:
        sheet.append(row)
    if cases is not None:
        case_sheet = workbook.create_sheet("案例")
        case_sheet.append(["案例编号", "标题", "知识点", "出处", "情景", "依据"])
        for row in cases:
            case_sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def row(**cells) -> list:
    columns = question_columns()
    values = {"题型": "单选", "题干": "题干", "分值": 1, "知识点": "测试"} | cells
    return [values.get(c) for c in columns]


def test_whole_bank_round_trip_is_lossless(shipped):
    questions = everything(shipped)
    data = write_workbook(questions, shipped.cases)
    back = read_workbook(data, "bank.xlsx")
    assert back.errors == [] and back.warnings == []
    assert {q.id: q.checksum() for q in back.questions} == {q.id: q.checksum() for q in questions}
    assert {c.id: c.checksum() for c in back.cases} == {c.id: c.checksum() for c in shipped.cases}


def test_export_uses_the_chinese_columns_and_conventions(shipped):
    questions = {q.id: q for q in everything(shipped)}
    sheet = load_workbook(io.BytesIO(write_workbook(list(questions.values())))).active
    header = [c.value for c in sheet[1]]
    assert header[:12] == ["题型", "题干", *(f"选项{x}" for x in "ABCDEFGH"), "答案", "解析"]
    assert header[12:16] == ["分值", "难度", "知识点", "出处"]
    rows = {r[header.index("编号")]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    answer = header.index("答案")
    for uid, q in questions.items():
        expected = {"single": q.key.get("answer"), "multi": "".join(q.key.get("answers", []))}
        expected["tf"] = "正确" if q.key.get("answer") else "错误"
        if q.kind in expected:
            assert rows[uid][answer] == expected[q.kind], uid
        if q.kind == "fill":
            assert rows[uid][answer].count("\n") == len(q.key["blanks"]) - 1


def test_template_is_empty_with_instructions():
    workbook = load_workbook(io.BytesIO(write_workbook([])))
    assert workbook.sheetnames == ["题目", "案例", "说明"]
    assert workbook["题目"].max_row == 1
    assert "Alt+Enter" in str([c.value for c in workbook["说明"]["B"]])
    assert read_workbook(write_workbook([]), "t.xlsx").questions == []


def test_a_typical_chinese_system_file_is_read():
    header = ["序号", "*试题类型", "*题目", "选项A", "选项B", "选项C", "选项D", "*正确答案", "答案解析",
              "分数", "难易度", "知识点"]  # fmt: skip
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["题库导入模板（请勿修改表头）"])
    sheet.append(header)
    sheet.append([1, "单项选择题", "甲？", "一", "二", "三", "四", "B", "因为", 2, "中", "知识"])
    sheet.append([2, "多项选择题", "乙？", "一", "二", "三", "", "A,C", "", 2.5, "易", "知识"])
    sheet.append([3, "判断题", "丙。", "", "", "", "", True, "", 1, 3, "知识"])
    sheet.append([4, "填空题", "丁___戊___。", "", "", "", "", "一\n二 | 2", "", 1, 3, "知识"])
    out = io.BytesIO()
    workbook.save(out)
    result = read_workbook(out.getvalue(), "other.xlsx")
    assert result.errors == []
    assert [w.message for w in result.warnings] == ["未识别的列“序号”，已忽略"]
    single, multi, tf, fill = result.questions
    assert single.key == {"answer": "B"} and single.difficulty == 3 and single.points == 2
    assert multi.key == {"answers": ["A", "C"]} and multi.rule == "exact" and multi.difficulty == 1
    assert tf.key == {"answer": True}
    assert fill.stem == "丁{{1}}戊{{2}}。"
    assert fill.key["blanks"] == [[["一", "1"]], [["二", "1"], ["2", "1"]]]
    assert all(q.id.startswith("imp-") for q in result.questions)


def test_weights_partial_credit_and_rubric_columns():
    rows = [
        row(题型="多选", 选项A="甲", 选项B="乙", 选项C="丙", 答案="AB", 评分="按权重",
            权重="A:60% B: 40% C:-50%", 编号="w-1"),
        row(题型="填空", 题干="{{1}}与{{2}}", 答案="甲 | (50%) 家\n乙", 顺序="任意", 编号="f-1"),
        row(题型="简答", 分值=3, 答案="参考", 评分标准="要点 (2分): 甲；乙\n- 完整 (1分): 丙", 步长=1,
            编号="e-1"),
    ]  # fmt: skip
    result = read_workbook(book(rows), "x.xlsx")
    assert result.errors == []
    weighted, fill, essay = result.questions
    assert weighted.key["weights"] == {"A": "0.6", "B": "0.4", "C": "-0.5"}
    assert fill.key == {"blanks": [[["甲", "1"], ["家", "0.5"]], [["乙", "1"]]], "any_order": True}
    assert [(c.title, c.points, c.key_points) for c in essay.rubric] == [
        ("要点", 2, ("甲", "乙")),
        ("完整", 1, ("丙",)),
    ]
    assert essay.reference_answer == "参考" and essay.rubric[0].step == 1


def test_formula_like_text_and_long_text_stay_text(shipped):
    q = everything(shipped)[0]
    import dataclasses

    odd = dataclasses.replace(q, stem="=SUM(A1:A2) 不是公式\n\n第二段", source="1-2")
    back = read_workbook(write_workbook([odd]), "x.xlsx")
    assert back.errors == [] and back.questions[0].stem == odd.stem
    assert back.questions[0].source == "1-2"


BAD_ROWS = [
    (row(题型="连线"), "题型", "未知题型"),
    (row(分值="两分"), "分值", "分值应为正数"),
    (row(分值=None), "分值", "分值为空"),
    (row(难度=9), "难度", "难度应为"),
    (row(选项A="甲", 选项B="乙", 答案="C"), "答案", "没有对应的选项"),
    (row(选项A="甲", 选项B="乙", 答案="AB"), "答案", "单选题只能有 1 个正确答案"),
    (row(选项A="甲", 选项C="丙", 答案="A"), "选项B", "选项B为空"),
    (row(选项A="甲", 选项B="甲", 答案="A"), "选项", "相同"),
    (
        row(题型="多选", 选项A="甲", 选项B="乙", 选项C="丙", 答案="A"),
        "答案",
        "至少要有 2 个正确答案",
    ),
    (row(题型="判断", 答案="也许"), "答案", "判断题的答案应为"),
    (row(题型="填空", 题干="有{{1}}和{{2}}", 答案="甲"), "答案", "题干有 2 个空"),
    (row(题型="填空", 题干="没有空", 答案="甲"), "题干", "没有填空标记"),
    (row(题型="简答", 分值=3, 答案="参", 评分标准="甲 (2分): 乙"), "评分标准", "合计 2 分"),
    (row(题型="简答", 评分标准="没有分值"), "评分标准", "第 1 项应写作"),
    (row(题干=datetime(2024, 1, 2)), "题干", "日期"),
    (row(编号="Bad Id", 选项A="甲", 选项B="乙", 答案="A"), "编号", "不合规"),
    (row(知识点=None, 选项A="甲", 选项B="乙", 答案="A"), "知识点", "知识点应为"),
    (
        row(
            题型="多选", 选项A="甲", 选项B="乙", 选项C="丙", 答案="AB", 评分="按权重", 权重="A:50%"
        ),
        "权重",
        "正确选项",
    ),
    (row(选项A="甲", 选项B="乙", 答案="A", 评分="随便"), "评分", "未知的评分规则"),
]


@pytest.mark.parametrize("bad, column, words", BAD_ROWS, ids=[b[2] for b in BAD_ROWS])
def test_a_bad_row_is_named_by_row_and_column_and_nothing_is_kept(bad, column, words):
    good = row(选项A="甲", 选项B="乙", 答案="A", 编号="ok-1")
    result = read_workbook(book([good, bad]), "x.xlsx")
    assert result.errors, "the bad row must be refused"
    assert {e.line for e in result.errors} == {3}, [str(e) for e in result.errors]
    assert any(f"「{column}」" in e.message and words in e.message for e in result.errors), [
        str(e) for e in result.errors
    ]
    assert result.errors[0].file == "x.xlsx「题目」"


def test_duplicate_ids_and_unknown_case_sheet_values_are_errors():
    rows = [row(选项A="甲", 选项B="乙", 答案="A", 编号="d-1") for _ in range(2)]
    result = read_workbook(book(rows, cases=[["case-x", "", "知识", "出处", "情景", ""]]), "x.xlsx")
    messages = [str(e) for e in result.errors]
    assert any(":3: 编号“d-1”重复：第 2 行已使用" in m for m in messages), messages
    assert any("「案例」:2:" in m and "标题" in m for m in messages), messages
    assert any("「案例」:2:" in m and "依据" in m for m in messages), messages


def test_missing_header_is_reported():
    result = read_workbook(book([["甲", "乙"]], header=["什么", "别的"]), "x.xlsx")
    assert [e.message for e in result.errors] == ["找不到表头：前 10 行中没有“题型、题干”列"]


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not an excel file",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100,  # old .xls
        _zip({"hello.txt": b"hi"}),
        _zip({"[Content_Types].xml": b"<broken", "xl/workbook.xml": b"<<<"}),
    ],
    ids=["empty", "text", "xls", "zip", "broken-xml"],
)
def test_broken_files_give_an_error_never_an_exception(data):
    result = read_workbook(data, "x.xlsx")
    assert result.errors and result.errors[0].line == 0
    assert "Excel" in result.errors[0].message and result.questions == []


def test_a_truncated_real_workbook_gives_an_error(shipped):
    data = write_workbook(everything(shipped)[:20])
    for cut in (len(data) // 3, len(data) // 2, len(data) - 30):
        result = read_workbook(data[:cut], "x.xlsx")
        assert result.errors and result.questions == []


# Excel cannot hold control characters at all, so generated text leaves them out.
printable = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=20)
cell = st.one_of(
    st.none(),
    printable,
    st.integers(-10, 10_000),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.sampled_from(
        [
            "单选",
            "多选",
            "判断",
            "填空",
            "简答",
            "AC",
            "正确",
            "{{1}}",
            "甲 (2分): 乙",
            "按权重",
            "A:50%",
            "任意",
            "case-1",
            "1",
            "0.5",
            "(50%) 甲 | 乙",
        ]
    ),  # fmt: skip
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(cell, min_size=1, max_size=len(question_columns())), max_size=6))
def test_generated_rows_never_crash(rows):
    result = read_workbook(book(rows), "x.xlsx")
    for error in result.errors:
        assert error.line >= 0 and error.message
    if result.errors:
        assert all(e.line for e in result.errors)
    for question in result.questions:
        assert len(question.checksum()) == 64


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_never_crash(data):
    result = read_workbook(data, "x.xlsx")
    assert result.errors
