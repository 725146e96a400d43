"""Aiken: single choice (and several letters for multiple choice), errors by line."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exam_app.content.aiken import read_aiken

GOOD = """What is the correct answer to this question?
A. Is it this one?
B. Maybe this answer?
C. Possibly this one?
D. Must be this one!
ANSWER: D

用户逾期未交电费，供电企业可以每日按电费总额的（　）加收违约金。
A、1‰至2‰
B、1‰至3‰
C）2‰至5‰
答案：B

下列属于“四声服务”的有（　）。
A. 来有欢迎声
B. 问有应答声
C. 走有送别声
ANSWER: ABC
"""


def test_aiken_questions_are_read():
    result = read_aiken(GOOD.encode("utf-8"), "a.txt", "导入")
    assert result.errors == []
    first, second, third = result.questions
    assert first.kind == "single" and first.key == {"answer": "D"} and first.topic == "导入"
    assert [o.text for o in second.options] == ["1‰至2‰", "1‰至3‰", "2‰至5‰"]
    assert second.key == {"answer": "B"}
    assert third.kind == "multi" and third.key == {"answers": ["A", "B", "C"]}
    assert all(q.id.startswith("imp-") for q in result.questions)


@pytest.mark.parametrize(
    "text, line, words",
    [
        ("题干\nA. 甲\nB. 乙", 3, "缺少答案行"),
        ("题干\nA. 甲\nB. 乙\nANSWER: C", 4, "应为选项中的字母"),
        ("题干\nA. 甲\nC. 乙\nANSWER: A", 1, "从 A 起依次编号"),
        ("题干\nA. 甲\nB. 乙\nANSWER: A\n多余", 5, "之后不应再有内容"),
        ("题干\nA. 甲\n乱写\nANSWER: A", 3, "选项之后只能写"),
        ("题干\nA. 甲\nANSWER: A", 1, "至少要有 2 个选项"),
    ],
)
def test_bad_aiken_names_the_line(text, line, words):
    result = read_aiken(text, "a.txt", "导入")
    assert any(e.line == line and words in e.message for e in result.errors), [
        str(e) for e in result.errors
    ]


def test_a_topic_is_required():
    result = read_aiken(GOOD, "a.txt", "")
    assert [e.message for e in result.errors] == ["Aiken 文件不含知识点：导入时请填写知识点"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(["A. 甲", "B. 乙", "ANSWER: A", "答案：B", "", "题干", "Z)"]),
                          st.text(max_size=10)), max_size=20))  # fmt: skip
def test_generated_aiken_never_crashes(lines):
    result = read_aiken("\n".join(lines), "a.txt", "导入")
    assert all(e.message for e in result.errors)
