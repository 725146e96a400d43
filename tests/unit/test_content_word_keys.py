"""Word/text banks whose answers sit in the stem's brackets or in a key away from the items:
each read as written, every mismatch named by its place, nothing guessed."""

from __future__ import annotations

import pytest

from exam_app.content.importers import old_word, read_import
from exam_app.content.word_docx import read_docx
from exam_app.content.word_keys import KeyError_, entries
from exam_app.content.word_text import read_word_text
from tests.word_banks import KEYS_AND_BRACKETS, KEYS_EXPECTED, TABLE_KEY, docx_parts

SINGLE = "一、单项选择题（每题2分）\n"


def _read(text: str):
    return read_word_text(text, "bank.txt", "导入")


def _keys(text: str) -> list:
    result = _read(text)
    assert result.errors == [], [str(e) for e in result.errors]
    return [q.key for q in result.questions]


def _error(text: str, line: int, words: str) -> None:
    result = _read(text)
    assert not result.questions or not result.ok
    assert any(e.line == line and words in e.message for e in result.errors), [
        str(e) for e in result.errors
    ]


def test_the_bank_with_bracket_answers_and_keys_is_read_as_written():
    result = _read(KEYS_AND_BRACKETS)
    assert result.errors == [], [str(e) for e in result.errors]
    assert [(q.kind, q.key) for q in result.questions] == KEYS_EXPECTED
    stems = [q.stem for q in result.questions]
    # The answer's bracket becomes an empty one; other brackets stay as written.
    assert stems[0] == "我国电力系统的额定频率为（　）Hz。"
    assert stems[1] == "电费单上的金额（单位：元）保留到（  ）。"
    assert stems[3] == "“四声服务”包括（　）。"
    assert stems[5:7] == ["供电企业可以随意停电。", "用户应按时交纳电费。"]


def test_a_docx_with_its_key_in_tables_reads_as_the_text():
    result = read_docx(docx_parts(TABLE_KEY), "key.docx", "导入")
    assert result.errors == [], [str(e) for e in result.errors]
    text = _read(KEYS_AND_BRACKETS)
    assert [q.checksum() for q in result.questions] == [q.checksum() for q in text.questions]


# -- answers in the stem's brackets ----------------------------------------------------------


@pytest.mark.parametrize(
    "stem, key, shown",
    [
        ("频率为（ B ）Hz。", {"answer": "B"}, "频率为（　）Hz。"),
        ("频率为(B)Hz。", {"answer": "B"}, "频率为（　）Hz。"),
        ("频率为（Ｂ）Hz。", {"answer": "B"}, "频率为（　）Hz。"),
        (
            "（单位：赫兹）频率为（  ）。（B）",
            {"answer": "B"},
            "（单位：赫兹）频率为（  ）。（　）",
        ),
    ],
)
def test_a_single_choice_answer_in_the_stem_brackets(stem, key, shown):
    result = _read(f"{SINGLE}1. {stem}\nA. 40 B. 50 C. 60")
    assert result.errors == [], [str(e) for e in result.errors]
    (item,) = result.questions
    assert item.key == key and item.stem == shown


def test_a_multi_answer_in_brackets_needs_two_letters_and_any_separator():
    text = "一、多选题（每题3分）\n1. 包括（ A、C ）。\nA. 甲 B. 乙 C. 丙 D. 丁"
    assert _keys(text) == [{"answers": ["A", "C"]}]


@pytest.mark.parametrize(
    "stem, value, shown",
    [
        ("说法。（√）", True, "说法。"),
        ("说法。（ 正确 ）", True, "说法。"),
        ("说法（错误）", False, "说法"),
        ("（×）说法。", False, "说法。"),
        ("（ 对 ）说法。", True, "说法。"),
    ],
)
def test_a_true_false_mark_in_brackets_at_either_end(stem, value, shown):
    result = _read(f"一、判断题（每题1分）\n1. {stem}")
    assert result.errors == [], [str(e) for e in result.errors]
    assert result.questions[0].key == {"answer": value} and result.questions[0].stem == shown


def test_a_bracket_agreeing_with_the_answer_line_is_emptied_so_the_key_never_shows():
    result = _read(f"{SINGLE}1. 频率为（B）Hz。\nA. 40 B. 50\n答案：B")
    assert result.questions[0].stem == "频率为（　）Hz。"
    result = _read("一、判断题（每题1分）\n1. 说法。（√）\n答案：正确")
    assert result.questions[0].stem == "说法。" and result.questions[0].key == {"answer": True}


@pytest.mark.parametrize(
    "stem",
    ["金额（单位：元）为（  ）", "为（    ）", "为（A类）用户", "为（ E ）", "（AC）两种（  ）"],
)
def test_brackets_that_are_not_an_answer_stay_in_the_stem(stem):
    # E is no option; AC is no single-choice answer; the rest hold no letter set at all.
    _error(f"{SINGLE}1. {stem}\nA. 甲 B. 乙 C. 丙 D. 丁", 3, "缺少答案")


@pytest.mark.parametrize(
    "text, line, words",
    [
        (f"{SINGLE}1. 甲（A）乙（B）\nA. 甲 B. 乙", 2, "有 2 处括号像是答案"),
        (f"{SINGLE}1. 频率为（C）\nA. 40 B. 50 C. 60\n答案：B", 2, "“C”与答案“B”不一致"),
        ("一、判断题（每题1分）\n1. 说法。（√）\n答案：×", 2, "“√”与答案“×”不一致"),
    ],
)
def test_an_ambiguous_or_contradicting_bracket_is_named_by_line(text, line, words):
    _error(text, line, words)


# -- answer keys -----------------------------------------------------------------------------

ITEMS = SINGLE + "".join(f"{n}. 题{n}\nA. 甲 B. 乙 C. 丙 D. 丁\n" for n in range(1, 6))


@pytest.mark.parametrize(
    "key",
    [
        "参考答案\n1.B 2.C 3.A 4.D 5.A",
        "答案\n1．B　2．C　3．A\n4、D 5:A",
        "【参考答案】\n1-5 BCADA",
        "参考答案：\n1～3：B C A\n4-5 DA",
        "一、单项选择题答案：1-5 BCADA",
        "单选题答案：1.B 2.C 3.A 4.D 5.A",
        "答案：1.B 2.C 3.A 4.D 5.A",
        "参考答案\n一、单项选择题\n1-5 BCADA",
        "参考答案\n一、单项选择题：1.B 2.C 3.A 4.D 5.A",
        "参考答案\n一、1.B 2.C 3.A 4.D 5.A",
    ],
)
def test_a_key_in_every_form_answers_the_items(key):
    assert _keys(ITEMS + key) == [{"answer": a} for a in "BCADA"]


def test_a_key_for_items_numbered_across_sections_maps_by_number():
    text = (
        ITEMS[:-1] + "\n二、多选题（每题3分）\n6. 题六\nA. 甲 B. 乙 C. 丙\n"
        "7. 题七\nA. 甲 B. 乙 C. 丙\n参考答案\n1-5 BCADA 6.AB 7.ABC"
    )
    assert _keys(text)[5:] == [{"answers": ["A", "B"]}, {"answers": ["A", "B", "C"]}]


def test_a_multi_run_is_divided_by_its_separators():
    text = (
        "一、多选题（每题3分）\n"
        + "".join(f"{n}. 题\nA. 甲 B. 乙 C. 丙\n" for n in (1, 2, 3))
        + "答案\n1-3 AB、ABC、BC"
    )
    assert [k["answers"] for k in _keys(text)] == [["A", "B"], ["A", "B", "C"], ["B", "C"]]


def test_essay_and_fill_answers_in_a_key_one_line_each():
    text = (
        "一、填空题（每题2分）\n1. 甲（ ）乙（ ）\n二、简答题（每题5分）\n1. 简述。\n"
        "参考答案\n一、填空题\n1. 一；二/两\n二、简答题\n1. 先登记，再回访。"
    )
    result = _read(text)
    assert result.errors == [], [str(e) for e in result.errors]
    fill, essay = result.questions
    assert fill.key["blanks"] == [[["一", "1"]], [["二", "1"], ["两", "1"]]]
    assert essay.reference_answer == "先登记，再回访。"


def test_an_essay_reference_under_its_item_is_not_a_key():
    text = "一、简答题（每题5分）\n1. 简述。\n参考答案：\n1.A 2.B 是两个要点"
    assert _read(text).questions[0].reference_answer == "1.A 2.B 是两个要点"


@pytest.mark.parametrize(
    "key, line, words",
    [
        ("参考答案\n1-5 BCAD", 13, "第 1–5 题共 5 题，答案“BCAD”分不出 5 个"),
        (
            "参考答案\n1.B 2.C 3.A 4.D 5.A 6.B",
            13,
            "有第 6 题，「一、单项选择题（每题2分）」中却没有",
        ),
        ("参考答案\n1.B 2.C 3.A 4.D\n5.A 1.C", 14, "第 1 题的答案重复"),
        ("参考答案\n1.B 2.C 3.A 4.D", 5 + 6, "缺少答案"),
        ("参考答案\n1.B 2.C 3.A 4.D 5.A\n乱写的一行", 14, "无法识别（答案部分）"),
        ("参考答案\n二、判断题\n1.√", 14, "像是答案，却不在答案部分"),
        (
            "参考答案\n一、判断题\n1.√",
            13,
            "题型与题目中的「一、单项选择题（每题2分）」（单选）不同",
        ),
        ("参考答案\n多选题答案：1.AB", 13, "题目中没有多选大题"),
        ("参考答案\n三、1.A", 13, "无法识别（答案部分）"),
        ("参考答案\n1.Z 2.C 3.A 4.D 5.A", 13, "答案“Z”应为选项中的字母"),
    ],
)
def test_a_key_that_does_not_fit_is_named_by_line(key, line, words):
    _error(ITEMS + key, line, words)


def test_an_item_answered_twice_differently_is_named_at_the_key():
    text = f"{SINGLE}1. 题\nA. 甲 B. 乙\n答案：A\n2. 题二\nA. 甲 B. 乙\n参考答案\n1.B 2.A"
    _error(text, 8, "题后已写答案“A”，答案部分又写了“B”")
    same = f"{SINGLE}1. 题\nA. 甲 B. 乙\n答案：A\n2. 题二\nA. 甲 B. 乙\n参考答案\n1.A 2.A"
    assert _keys(same) == [{"answer": "A"}, {"answer": "A"}]


def test_a_key_for_sections_whose_numbers_repeat_must_name_the_section():
    text = f"{SINGLE}1. 题\nA. 甲 B. 乙\n二、判断题（每题1分）\n1. 说法\n参考答案\n1.A 1.√"
    _error(text, 7, "各大题的题号重复")


def test_a_key_under_a_section_the_bank_lacks_is_not_read_as_items():
    _error(ITEMS + "参考答案\n1-5 BCADA\n三、填空题\n1.A", 15, "像是答案，却不在答案部分")


@pytest.mark.parametrize(
    "text, found",
    [
        ("1.B 2.C", [(1, "B"), (2, "C")]),
        ("1-3 √×√", [(1, "√"), (2, "×"), (3, "√")]),
        ("1-2 正确错误", [(1, "正确"), (2, "错误")]),
        ("１．Ａ　２．Ｂ", [(1, "Ａ"), (2, "Ｂ")]),
        ("1.A、C 2.B", [(1, "A、C"), (2, "B")]),
        ("1. 首先登记", None),
        ("甲乙丙", None),
    ],
)
def test_key_entries(text, found):
    assert entries(text) == found


def test_a_run_that_cannot_be_counted_raises():
    with pytest.raises(KeyError_):
        entries("1-3 ABCD")


# -- tables ----------------------------------------------------------------------------------


def test_a_key_table_with_a_bad_answer_names_its_cell():
    parts = [
        ITEMS + "参考答案",
        [["题号", "1", "2", "3", "4", "5"], ["答案", "B", "C", "Z", "D", "A"]],
    ]
    result = read_docx(docx_parts(parts), "坏.docx", "导入")
    (error,) = result.errors
    assert result.place(error.line) == "表格 1 第 2 行第 4 列" and "答案“Z”" in error.message


def test_a_key_table_in_columns_and_in_pairs_of_rows():
    rows = [["题号", "1", "2", "3"], ["答案", "B", "C", "A"], ["题号", "4", "5", ""],
            ["答案", "D", "A", ""]]  # fmt: skip
    result = read_docx(docx_parts([ITEMS + "参考答案", rows]), "k.docx", "导入")
    assert [q.key["answer"] for q in result.questions] == list("BCADA")
    columns = [["题号", "答案"], *[[str(n), a] for n, a in zip(range(1, 6), "BCADA", strict=True)]]
    result = read_docx(docx_parts([ITEMS, columns]), "k.docx", "导入")
    assert result.errors == [], [str(e) for e in result.errors]
    assert [q.key["answer"] for q in result.questions] == list("BCADA")


def test_an_ordinary_table_is_still_read_cell_by_cell():
    rows = [["1. 题一（  ）", "A．甲 B．乙", "答案：B"]]
    result = read_docx(docx_parts([SINGLE.strip(), rows]), "t.docx", "导入")
    assert result.errors == [] and result.questions[0].key == {"answer": "B"}


# -- old Word files --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, data",
    [("题库.doc", b"\xd0\xcf\x11\xe0rest"), ("题库.DOC", b""), ("题库.docx", b"\xd0\xcf\x11\xe0")],
)
def test_an_old_word_file_is_named_with_what_to_do(name, data):
    message = old_word(name, data)
    assert message == f"“{name}”是旧版 Word（.doc）文件，请在 Word 中另存为 .docx 后再导入"
    result = read_import(data, name, "word", "导入")
    assert [e.message for e in result.errors] == [message]


def test_other_files_are_not_old_word():
    assert old_word("题库.docx", b"PK\x03\x04") is None and old_word("a.txt") is None
    assert "WPS" in old_word("题库.wps")
