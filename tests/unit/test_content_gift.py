"""GIFT both ways: our bank round-trips whole; Moodle's own files import; junk never crashes."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exam_app.content import load_content
from exam_app.content.gift import read_gift
from exam_app.content.gift_write import escape, question_block, write_gift

ROOT = Path(__file__).resolve().parents[2]
MOODLE = ROOT.parent / "shared" / "peer" / "moodle-gift"
needs_moodle = pytest.mark.skipif(not MOODLE.is_dir(), reason="../shared/peer/moodle-gift 不存在")


@pytest.fixture(scope="module")
def shipped():
    content = load_content(ROOT)
    assert not content.errors
    return content


def everything(content):
    return content.questions + [q for case in content.cases for q in case.questions]


def test_whole_bank_round_trip_is_lossless(shipped):
    questions = everything(shipped)
    text = write_gift(questions, shipped.cases)
    back = read_gift(text, "bank.gift")
    assert back.errors == [] and back.skipped == [] and back.warnings == []
    assert {q.id: q.checksum() for q in back.questions} == {q.id: q.checksum() for q in questions}
    assert {c.id: c.checksum() for c in back.cases} == {c.id: c.checksum() for c in shipped.cases}
    # GIFT itself carries the items: the whole-item fallback is not needed for the shipped bank.
    assert '"exact":' not in text


def test_export_is_plain_moodle_gift(shipped):
    by_kind = {q.kind: q for q in everything(shipped) if not q.case_id}
    single = question_block(by_kind["single"])
    assert f"::{by_kind['single'].id}::[markdown]" in single
    assert f"// [id:{by_kind['single'].id}]" in single
    assert "\t=" in single and "\t~" in single
    assert question_block(by_kind["tf"]).rstrip().endswith(("TRUE}", "}"))
    assert "{TRUE" in question_block(by_kind["tf"]) or "{FALSE" in question_block(by_kind["tf"])
    text = write_gift(everything(shipped))
    assert "$CATEGORY: " in text


def test_control_characters_are_escaped_exactly(shipped):
    q = next(q for q in everything(shipped) if q.kind == "single")
    odd = "a=b ~c #d {e} \\f: g\n第二行"
    options = (dataclasses.replace(q.options[0], text=odd), *q.options[1:])
    item = dataclasses.replace(q, stem=odd, options=options, explanation="解析 {x} #y")
    block = question_block(item)
    assert escape(odd) == "a\\=b \\~c \\#d \\{e\\} \\\\f\\: g\\n第二行"
    assert escape(odd) in block
    back = read_gift(block, "x.gift", default_topic=q.topic)
    assert back.errors == [] and back.questions[0].canonical() == item.canonical()


def test_an_item_gift_cannot_carry_falls_back_to_the_exact_meta_line(shipped):
    q = next(q for q in everything(shipped) if q.kind == "single")
    # Moodle trims question text, so leading spaces would be lost without the fallback.
    item = dataclasses.replace(q, stem="    缩进的题干", topic="供电/营业")
    text = write_gift([item])
    assert '"exact":' in text
    back = read_gift(text, "x.gift")
    assert back.errors == [] and back.questions[0].canonical() == item.canonical()


@needs_moodle
def test_moodles_examples_import_and_unsupported_kinds_are_named_by_line():
    result = read_gift((MOODLE / "examples.txt").read_bytes(), "examples.txt", "Moodle 示例")
    assert result.errors == []
    skipped = {e.line: e.message for e in result.skipped}
    assert [n for n, m in skipped.items() if "匹配题" in m] == [55, 61, 177]
    assert [n for n, m in skipped.items() if "数值题" in m] == [16, 70, 72, 74, 76, 85, 175, 202]
    kinds = [q.kind for q in result.questions]
    assert len(result.questions) == 32
    assert {k: kinds.count(k) for k in set(kinds)} == {"single": 16, "multi": 2, "tf": 5, "fill": 9}
    by_id = {q.id: q for q in result.questions}
    # Names become ids where they can; escaped characters come through exactly.
    assert (
        by_id["kanji-origins"].stem
        == "Japanese characters originally\ncame from what country? {{1}}"
    )
    control = by_id["gift-control-characters"]
    assert [o.text for o in control.options] == ["~", "=", "#", "{", "}", "\\"]
    assert control.key == {"answer": "F"}
    assert "选“\\”：Correct! \\ (backslash) is not a control character." in control.explanation
    equals = next(q for q in result.questions if q.stem == "Which answer equals 5?")
    assert [o.text for o in equals.options] == ["= 2 + 2", "= 2 + 3", "= 2 + 4"]
    # Feedback is kept word for word in the explanation.
    assert (
        "选“wrong answer”：feedback comment on the wrong answer"
        in by_id[
            next(i for i, q in by_id.items() if q.stem.startswith("What's the answer"))
        ].explanation
    )
    weighted = [q for q in result.questions if q.kind == "multi"]
    assert weighted[1].key["weights"] == {"A": "-0.5", "B": "0.5", "C": "0.5", "D": "-0.5"}
    hometown = by_id["jesus-hometown-short-answer-ex"]
    assert hometown.stem == "Jesus Christ was from {{1}}."
    assert hometown.key["blanks"] == [
        [["Nazareth", "1"], ["Nazereth", "0.75"], ["Bethlehem", "0.25"]]
    ]
    assert [w.line for w in result.warnings] == [115, 117, 190]  # partial credit in single choice


@needs_moodle
def test_moodles_fixture_file_imports():
    result = read_gift((MOODLE / "questions.gift.txt").read_bytes(), "questions.gift.txt", "默认")
    assert result.errors == []
    assert sorted((e.line, e.message[:3]) for e in result.skipped) == [
        (5, "匹配题"),
        (31, "数值题"),
    ]
    by_id = {q.id: q for q in result.questions}
    assert by_id["q8"].kind == "essay"  # an essay without a rubric: a draft to complete
    assert {w.line for w in result.warnings} == {2}
    assert [o.text for o in by_id["q2"].options] == ["yellow", "red", "blue"]
    assert "选“red”：wrong, it's yellow" in by_id["q2"].explanation  # [html] prefix dropped
    assert by_id["colours"].key["weights"] == {"A": "0.5", "B": "-1", "C": "0.5", "D": "-1"}
    assert by_id["shortanswer"].key["blanks"] == [[["Frog", "1"], ["Cat", "0.5"]]]
    assert "答“正确”时：42 is the Ultimate Answer." in by_id["q1"].explanation
    assert by_id["2-08-tsl"].key == {"answer": True}


@needs_moodle
def test_moodle_import_is_stable_so_reimporting_finds_the_same_ids():
    data = (MOODLE / "examples.txt").read_bytes()
    first = [q.id for q in read_gift(data, "a.txt", "甲").questions]
    assert first == [q.id for q in read_gift(data, "a.txt", "甲").questions]


@pytest.mark.parametrize(
    "text, line, words",
    [
        ("问题 {=甲 ~乙", 1, "大括号"),
        ("\n\n问题 } 甲 {", 3, "大括号"),
        ("::名称 问题{=甲 ~乙}", 1, "::"),
        ("// @exam-meta {不是json\n::a::问题{=甲 ~乙}", 1, "JSON"),
        ('// @exam-meta {"points": "很多"}\n::a::问题{=甲 ~乙}', 1, "无效"),
        ("问题{~甲}", 1, "至少要有 2 个选项"),
        ("问题{~%500%甲 ~乙}", 1, "权重"),
        ("问题{随便写}", 1, "无法识别"),
        ("// [id:a]\n问题{=甲 ~乙}\n\n// [id:a]\n问题二{=甲 ~乙}", 5, "重复"),
        ('// @exam-meta {"kind": "fill"}\n问题{}', 2, "没有填空标记"),
        ('// @exam-case {"id": "c"}', 1, "@exam-case"),
    ],
)
def test_malformed_gift_names_the_line(text, line, words):
    result = read_gift(text, "x.gift", "话题")
    assert result.errors, text
    assert any(e.line == line and words in e.message for e in result.errors), [
        str(e) for e in result.errors
    ]


def test_not_utf8_is_reported():
    result = read_gift("问题{=甲 ~乙}".encode("gb18030"), "x.gift", "话题")
    assert "UTF-8" in result.errors[0].message


VOCABULARY = ["::a::", "::", "{", "}", "=", "~", "#", "####", "%50%", "%-100%", "->", "\\", "\\{",
              "\\n", "[markdown]", "[html]", "T", "FALSE", "$CATEGORY: x/y", "// [id:q-1]",
              '// @exam-meta {"points": "2"}', '// @exam-meta {"rubric": [["a", "1", ["b"]]]}',
              "// @exam-case {}", "\n", "\n\n", "甲", " "]  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(VOCABULARY), st.text(max_size=8)), max_size=40))
def test_generated_gift_never_crashes(parts):
    result = read_gift("".join(parts), "x.gift", "话题")
    for found in (*result.errors, *result.skipped, *result.warnings):
        assert found.line >= 0 and found.message
    for question in result.questions:
        assert len(question.checksum()) == 64


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_never_crash(data):
    read_gift(data, "x.gift", "话题")
