"""Chinese bank text (as written in Word): every layout read, every stray line named, nothing guessed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exam_app.content.importers import IMPORTERS, guess_format, read_import
from exam_app.content.word_docx import read_docx
from exam_app.content.word_text import read_word_text
from tests.word_banks import EVERY_LAYOUT, EXPECTED, docx_bytes


def _read(text: str, topic: str = "导入", difficulty: int = 3):
    return read_word_text(text, "bank.txt", topic, difficulty)


def _one(text: str):
    result = _read(text)
    assert result.errors == [], [str(e) for e in result.errors]
    (item,) = result.questions
    return item


def test_every_layout_is_read_as_the_items_written():
    result = _read(EVERY_LAYOUT, "供用电法规", 4)
    assert result.errors == [], [str(e) for e in result.errors]
    assert [(q.kind, str(q.points)) for q in result.questions] == EXPECTED
    assert {q.topic for q in result.questions} == {"供用电法规"}
    assert {q.difficulty for q in result.questions} == {4}
    assert all(q.id.startswith("imp-") for q in result.questions)
    # The title above the first heading is a notice, not an item; essays need a rubric later.
    assert any(w.line == 1 and "作为标题未导入" in w.message for w in result.warnings)
    single = result.questions[:4]
    assert [o.text for o in single[0].options] == ["1‰至2‰", "1‰至3‰", "2‰至5‰"]
    assert single[0].key == {"answer": "B"}
    assert single[0].explanation == "《电力供应与使用条例》第三十九条。"
    assert [o.text for o in single[1].options] == ["用户", "供电企业", "物业", "开发商"]
    assert single[2].key == {"answer": "A"} and [o.text for o in single[2].options][0] == "3声"
    assert single[3].stem == "下列说法正确的是（　）。\n\n（1）投诉须登记\n\n（2）回访须录音"
    assert [o.text for o in single[3].options] == ["（1）", "（2）", "（1）（2）"]
    multi = result.questions[4:6]
    assert (
        multi[0].key["answers"] == ["A", "B", "C"] and multi[0].explanation == "服务规范第 3 条。"
    )
    assert multi[1].key["answers"] == ["A", "B"] and len(multi[1].options) == 3
    tf = result.questions[6:10]
    assert [q.key["answer"] for q in tf] == [False, True, True, False]
    assert tf[0].stem == "供电企业可以随意停电。"
    fill = result.questions[10:13]
    assert fill[0].stem == "居民分时电价分为{{1}}和丰枯两类。"
    assert fill[0].key["blanks"] == [[["峰谷", "1"], ["峰谷分时", "1"]]]
    assert fill[1].key["blanks"] == [[["千分之一", "1"]], [["千分之三", "1"]], [["元/日", "1"]]]
    assert fill[2].key["blanks"] == [[["来有迎声", "1"]], [["走有送声", "1"]]]
    essay = result.questions[13:]
    assert essay[0].reference_answer == (
        "（1）一般投诉 5 个工作日内处理完毕。\n\n（2）重大投诉 24 小时内上报。\n\n回访应在处理后 3 日内完成。"
    )
    assert essay[1].stem == "说明文明用语的要求。" and essay[1].explanation == "见服务规范。"
    assert essay[1].reference_answer == "使用“您好”“请”“谢谢”。\n\n不说服务忌语。"


def test_the_same_text_gives_the_same_ids():
    first, second = _read(EVERY_LAYOUT), _read(EVERY_LAYOUT)
    assert [q.id for q in first.questions] == [q.id for q in second.questions]


@pytest.mark.parametrize("number", ["1.", "1．", "1、", "（1）", "(1)", "1）", "１．", "1 . "])
def test_every_numbering_starts_an_item(number):
    item = _one(f"一、单选题（每题2分）\n{number}题干\nA. 甲\nB. 乙\n答案：A")
    assert item.stem == "题干"


@pytest.mark.parametrize(
    "options",
    [
        "A．甲\nB．乙\nC．丙",
        "A．甲  B．乙  C．丙",
        "A．甲\tB．乙\nC．丙",
        "A、甲 B、乙 C、丙",
        "A) 甲 B) 乙 C) 丙",
        "A）甲 B）乙 C）丙",
        "Ａ．甲 Ｂ．乙 Ｃ．丙",
        "A.甲　B.乙　C.丙",
        "A．甲B．乙C．丙",
    ],
)
def test_options_one_per_line_or_several_on_a_line(options):
    item = _one(f"一、单项选择题（每题2分）\n1. 题干（  ）\n{options}\n答案：C")
    assert [o.text for o in item.options] == ["甲", "乙", "丙"] and item.key == {"answer": "C"}


@pytest.mark.parametrize(
    "answer, key",
    [
        ("答案：AC", ["A", "C"]),
        ("答案: A C", ["A", "C"]),
        ("【答案】AC", ["A", "C"]),
        ("【答案】：A,C", ["A", "C"]),
        ("正确答案：A、C、D", ["A", "C", "D"]),
        ("参考答案：ＡＣ", ["A", "C"]),
        ("标准答案：acd", ["A", "C", "D"]),
    ],
)
def test_multi_answers_in_every_form(answer, key):
    item = _one(f"一、多选题（每题3分）\n1. 题干\nA. 甲 B. 乙 C. 丙 D. 丁\n{answer}")
    assert item.kind == "multi" and item.key["answers"] == key


@pytest.mark.parametrize(
    "written, value",
    [("√", True), ("✓", True), ("对", True), ("正确", True), ("T", True),
     ("×", False), ("✗", False), ("错", False), ("错误", False), ("X", False), ("F", False)],
)  # fmt: skip
def test_true_false_answers(written, value):
    assert _one(f"一、判断题（每题1分）\n1. 说法\n答案：{written}").key == {"answer": value}
    if written not in ("T", "F"):  # letters in brackets are not read as an answer
        assert _one(f"一、判断题（每题1分）\n1. 说法。（{written}）").key == {"answer": value}


@pytest.mark.parametrize(
    "stem, answer, blanks",
    [
        ("甲（  ）乙", "峰谷", [["峰谷"]]),
        ("甲(　)乙", "峰谷|峰谷分时", [["峰谷", "峰谷分时"]]),
        ("甲____乙", "峰谷／峰谷分时", [["峰谷", "峰谷分时"]]),
        ("甲＿＿乙（）丙", "一；二", [["一"], ["二"]]),
        ("甲（ ）乙（ ）", "一、二/两", [["一"], ["二", "两"]]),
        ("甲（ ）乙（ ）", "一  二", [["一"], ["二"]]),
        ("单位（ ）", "“元/千瓦时”/元每千瓦时", [["元/千瓦时", "元每千瓦时"]]),
        ("只有一空（ ）", "安全、可靠", [["安全、可靠"]]),
    ],
)
def test_fill_in_blanks_and_alternatives(stem, answer, blanks):
    item = _one(f"一、填空题（每题2分）\n1. {stem}\n答案：{answer}")
    assert [[t for t, _w in b] for b in item.key["blanks"]] == blanks
    assert item.stem.count("{{") == len(blanks)


def test_points_per_blank_and_per_item():
    item = _one("一、填空题（每空1.5分）\n1. 甲（ ）乙（ ）\n答案：一；二")
    assert item.points == Decimal(3)
    item = _one("一、填空题（每空1分）\n1. 甲（ ）乙（ ）（5分）\n答案：一；二")
    assert item.points == Decimal(5) and item.stem == "甲{{1}}乙{{2}}"


def test_essay_answers_over_paragraphs_with_their_own_numbering():
    item = _one(
        "一、简答题（每题10分）\n1. 简述。\n参考答案：要点如下\n（1）甲\n（2）乙\n\n① 丙\n解析：略"
    )
    assert item.reference_answer == "要点如下\n\n（1）甲\n\n（2）乙\n\n① 丙"
    assert item.explanation == "略"


def test_an_essay_answer_numbered_like_the_items_is_read_when_it_cannot_be_the_next_item():
    result = _read(
        "一、问答题（每题10分）\n1. 问一\n【参考答案】\n（1）甲\n（2）乙\n2. 问二\n答案：\n1. 丙\n3. 问三\n答案：丁"
    )
    assert result.errors == [], [str(e) for e in result.errors]
    assert [q.stem for q in result.questions] == ["问一", "问二", "问三"]
    assert result.questions[1].reference_answer == "1. 丙"


@pytest.mark.parametrize(
    "text, line, words",
    [
        # a reference answer's "2." after "1.", under item 1: the next item or the answer's point?
        ("一、简答题（每题5分）\n1. 问\n参考答案：\n1. 甲\n2. 乙", 5, "无法判断是第 2 题"),
        ("一、单选题（每题2分）\n1. 题\nA. 甲 B. 乙\n答案：C", 4, "应为选项中的字母"),
        ("一、单选题（每题2分）\n1. 题\nA. 甲 B. 乙", 3, "缺少答案"),
        ("一、单选题（每题2分）\n1. 题\n答案：A", 2, "没有选项"),
        ("一、单选题（每题2分）\n1. 题\nA. 甲\nC. 乙\n答案：A", 4, "选项字母应为 B"),
        ("一、单选题（每题2分）\n1. 题\nA. 甲 B. 乙\n答案：AB", 2, "只能有 1 个正确答案"),
        (
            "一、单选题（每题2分）\n1. 题\nA. 甲 B. 乙\n答案：A\n解析：略\nA. 丙 B. 丁",
            6,
            "漏了题号",
        ),
        ("一、单选题（每题2分）\n1. 题\nA. 甲 B. 乙\n答案：A\n多写的一行", 5, "无法识别"),
        ("一、单选题（每题2分）\n1. 题\nA. 甲 B. 乙\n乱写\n答案：A", 4, "无法识别"),
        ("一、单选题\n1. 题\nA. 甲 B. 乙\n答案：A", 2, "没有分值"),
        ("1. 题\nA. 甲 B. 乙\n答案：A", 1, "前面没有大题标题"),
        ("一、计算题（每题5分）\n1. 题", 1, "大题题型“计算题”无法识别"),
        ("一、判断题（每题1分）\n1. 说法\n答案：也许", 3, "应为 √ 或 ×"),
        ("一、判断题（每题1分）\n1. 说法", 2, "缺少答案"),
        ("一、判断题（每题1分）\n1. 说法\nA. 对 B. 错", 3, "判断题不应有选项"),
        ("一、填空题（每题1分）\n1. 没有空\n答案：甲", 2, "题干中没有空"),
        ("一、填空题（每题1分）\n1. 甲（ ）乙（ ）\n答案：一；二；三", 3, "分不出 2 个"),
        ("一、填空题（每题1分）\n1. 甲（ ）\n答案：一//", 2, "空白的答案"),
        ("一、单选题（每题2分）\n答案：A", 2, "前面没有题目"),
        ("一、单选题（每题2分）\n先写一句说明", 2, "题目应以题号开头"),
        ("一、单选题（每题2分）\n1. 题\nA. 甲 B. 乙\n答案：A\n答案：B", 5, "答案重复"),
        ("一、单选题（每题2分）\n1. 题\nA. 甲 B. 乙\n答案：A\n解析：一\n解析：二", 6, "解析重复"),
        ("一、简答题（每题5分）\n1. 问\n参考答案：甲\n3. 乙", 4, "既不是下一题"),
    ],
)
def test_what_is_not_understood_is_named_by_line_and_nothing_is_imported(text, line, words):
    result = _read(text)
    assert any(e.line == line and words in e.message for e in result.errors), [
        str(e) for e in result.errors
    ]


def test_a_malformed_bank_names_every_place_with_its_first_characters():
    bad = EVERY_LAYOUT.replace("答案：√", "答案：也许").replace(
        "（3）客服接听", "这一行没有题号，客服接听"
    )
    result = _read(bad)
    assert not result.ok
    messages = {e.line: e.message for e in result.errors}
    lines = bad.split("\n")
    tf_line = lines.index("答案：也许") + 1
    assert "应为 √ 或 ×" in messages[tf_line]
    stray = lines.index("这一行没有题号，客服接听电话应在铃响几声内接起？") + 1
    assert messages[stray].startswith("「这一行没有题号，客服接听电话应在…」无法识别")
    # A run of stray lines is one report, not one per line.
    assert stray + 1 not in messages


def test_a_run_of_stray_lines_is_reported_once():
    result = _read("一、单选题（每题2分）\n乱一\n乱二\n乱三\n1. 题\nA. 甲 B. 乙\n答案：A")
    assert [e.line for e in result.errors] == [2]


def test_a_topic_is_required():
    assert "请填写知识点" in _read(EVERY_LAYOUT, "").errors[0].message


def test_heading_like_lines_inside_an_answer_stay_in_the_answer():
    item = _one("一、简答题（每题5分）\n1. 问\n参考答案：\n一、关于问题\n二、处理方法")
    assert item.reference_answer == "一、关于问题\n\n二、处理方法"


def test_decimal_numbers_do_not_start_items():
    item = _one("一、简答题（每题5分）\n1. 问\n参考答案：\n1.5 倍\n2.5 倍")
    assert item.reference_answer == "1.5 倍\n\n2.5 倍"


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(
                ["一、单选题（每题2分）", "二、判断题", "三、填空题（每空1分）", "四、简答题（5分）",
                 "1. 题（ ）", "2、题____", "（3）题", "A. 甲 B. 乙", "C．丙", "答案：A", "【答案】√",
                 "解析：略", "参考答案：", "1. 点", "", "一、计算题", "答案：一；二/三",
                 "参考答案", "1-3 BCA", "1.B 2.√", "单选题答案：1.A 2.B", "1. 题（ B ）。（√）",
                 "答案：1.A 2.C", "二、1.A", "1-9 AB"]
            ),
            st.text(max_size=12),
        ),
        max_size=25,
    )
)  # fmt: skip
def test_generated_text_never_crashes(lines):
    result = _read("\n".join(lines))
    assert all(e.message for e in result.errors)
    assert all(e.line >= 0 for e in result.errors + result.warnings)


# -- Word files and the registry -----------------------------------------------------------


def test_a_docx_reads_as_its_text_and_names_paragraphs():
    result = read_docx(docx_bytes(EVERY_LAYOUT), "题库.docx", "导入", 2)
    assert result.errors == [], [str(e) for e in result.errors]
    assert [(q.kind, str(q.points)) for q in result.questions] == EXPECTED
    assert [q.id for q in result.questions] == [
        q.id for q in _read(EVERY_LAYOUT, "导入", 2).questions
    ]
    assert result.place(result.questions[0].line) == "第 4 段"


def test_a_docx_with_items_in_table_rows():
    rows = [
        ["1. 题一（  ）", "A．甲 B．乙", "答案：B"],
        ["2. 题二（  ）", "A．丙 B．丁", "答案：A"],
    ]
    data = docx_bytes("一、单选题（每题2分）", table_rows=rows)
    result = read_docx(data, "t.docx", "导入")
    assert result.errors == [], [str(e) for e in result.errors]
    assert [q.key["answer"] for q in result.questions] == ["B", "A"]
    assert result.place(result.questions[1].line) == "表格 1 第 2 行第 1 列"


def test_a_malformed_docx_names_the_paragraph():
    data = docx_bytes("一、单选题（每题2分）\n1. 题\nA. 甲 B. 乙\n答案：A\n这段认不出")
    result = read_docx(data, "坏.docx", "导入")
    (error,) = result.errors
    assert result.place(error.line) == "第 5 段" and error.message.startswith("「这段认不出」")


def test_word_automatic_numbering_is_read_as_written():
    import io

    from docx import Document

    document = Document()
    document.add_paragraph("一、单选题（每题2分）")
    for text in ("题一", "题二"):
        document.add_paragraph(text, style="List Number")
        document.add_paragraph("A. 甲 B. 乙")
        document.add_paragraph("答案：A")
    out = io.BytesIO()
    document.save(out)
    result = read_docx(out.getvalue(), "auto.docx", "导入")
    assert result.errors == [], [str(e) for e in result.errors]
    assert [q.stem for q in result.questions] == ["题一", "题二"]


@pytest.mark.parametrize("data", [b"", b"not a zip", b"PK\x03\x04junk"])
def test_a_file_that_is_not_a_docx_is_one_error(data):
    result = read_docx(data, "x.docx", "导入")
    assert [e.line for e in result.errors] == [0] and ".docx" in result.errors[0].message


def test_the_registry_knows_every_format_and_reads_alike():
    assert set(IMPORTERS) == {"excel", "word", "text", "gift", "aiken"}
    assert guess_format("题库.DOCX") == "word" and guess_format("a.xlsx") == "excel"
    assert guess_format("a.gift.txt") == "gift" and guess_format("a.txt") is None
    text = read_import(EVERY_LAYOUT.encode("utf-8"), "b.txt", "text", "导入", 5)
    word = read_import(docx_bytes(EVERY_LAYOUT), "b.docx", "word", "导入", 5)
    assert [q.checksum() for q in text.questions] == [q.checksum() for q in word.questions]
    aiken = read_import("题干\nA. 甲\nB. 乙\nANSWER: A", "a.txt", "aiken", "导入", 4)
    assert aiken.questions[0].difficulty == 4
