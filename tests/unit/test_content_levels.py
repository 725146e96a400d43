"""Rubric levels (评分档次) in the content format, the builder, Excel and GIFT."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from exam_app.content import parse_question_file
from exam_app.content.build import Draft, DraftCriterion, build
from exam_app.content.excel import write_workbook
from exam_app.content.excel_read import read_workbook
from exam_app.content.gift import read_gift
from exam_app.content.gift_write import write_gift
from exam_app.content.level_text import LevelTextError, levels_from_text
from exam_app.content.stored import question_from_record, question_record
from exam_app.grading import Level

HEAD = "---\n知识点: 业务知识抽考\n---\n\n"
ESSAY = """## yw-1
题型: 简答
分值: 5
步长: 0.5

客户办理携号转网，营业员应告知哪些条件？

评分标准:
- 业务知识 (3分): 在网满 120 天；无欠费；非合约期内
{levels}
- 表达规范 (2分): 使用规范用语；解释清楚

参考答案:
在网满 120 天、无欠费、不在合约期内，方可办理。
"""
GOOD_LEVELS = """  - 正确 (3分): 三项条件都说对
  - 部分正确 (1.5分): 说对一到两项
  - 不正确 (0分): 一项也没说对"""


def parse(levels: str = GOOD_LEVELS):
    return parse_question_file(HEAD + ESSAY.format(levels=levels), "question_bank/yw.md")


def test_levels_are_read_under_their_criterion():
    (spec,), errors = parse()
    assert errors == []
    knowledge, style = spec.rubric
    assert knowledge.levels == (
        Level("正确", D(3), "三项条件都说对"),
        Level("部分正确", D("1.5"), "说对一到两项"),
        Level("不正确", D(0), "一项也没说对"),
    )
    assert style.levels == ()
    assert [c.id for c in spec.rubric] == ["c1", "c2"]


def test_a_tab_indents_a_level_too():
    (spec,), errors = parse(GOOD_LEVELS.replace("  - ", "\t- "))
    assert errors == [] and len(spec.rubric[0].levels) == 3


def test_criteria_without_levels_keep_their_checksum():
    (spec,), _ = parse("")
    assert "levels" not in spec.canonical()["rubric"][0]
    (levelled,), _ = parse()
    assert levelled.checksum() != spec.checksum()
    assert levelled.canonical()["rubric"][0]["levels"][1] == {
        "label": "部分正确",
        "points": "1.5",
        "description": "说对一到两项",
    }


@pytest.mark.parametrize(
    ("levels", "line", "message"),
    [
        (
            "  - 正确 (4分): 全对\n  - 不正确 (0分): 全错",
            14,
            "档次“正确”为 4 分，超过该项满分 3 分",
        ),
        ("  - 正确 (3分): 全对\n  - 正确 (0分): 全错", 15, "档次“正确”重复"),
        ("  - 较好 (2分): 大体对\n  - 不正确 (0分): 全错", 14, "最高档次“较好”应为该项满分 3 分"),
        ("  - 正确 (3分): 全对\n  - 差 (1分): 大多错", 15, "最低档次“差”应为 0 分"),
        (
            "  - 不正确 (0分): 全错\n  - 正确 (3分): 全对",
            15,
            "要按分值从高到低写：“正确”（3 分）不能写在“不正确”（0 分）之后",
        ),
        (
            "  - 正确 (3分): 全对\n  - 部分 (1.2分): 一半\n  - 错 (0分): 全错",
            15,
            "不是步长 0.5 的整数倍",
        ),
        ("  - 正确 (3分): 全对", 14, "评分档次应有 2–6 个，现有 1 个"),
        ("  - 正确 (3分): 全对\n  - 不正确 (0分)", 15, "档次“不正确”没有写明什么样的答案得这一档"),
    ],
)
def test_bad_levels_are_reported_at_their_line(levels, line, message):
    specs, errors = parse(levels)
    assert specs == []
    assert len(errors) == 1, errors
    assert errors[0].file == "question_bank/yw.md" and errors[0].line == line
    assert message in errors[0].message


def test_levels_under_a_broken_criterion_are_not_given_to_the_one_before():
    text = HEAD + ESSAY.format(levels="- 没有分值: 甲\n" + GOOD_LEVELS)
    _, errors = parse_question_file(text, "q.md")
    assert [e.line for e in errors] == [14]
    assert "评分项格式应为" in errors[0].message


def test_the_bank_stores_and_gives_back_levels():
    (spec,), _ = parse()
    record = question_record(spec)
    assert record["rubric"][0]["levels"][0] == {
        "label": "正确",
        "points": "3",
        "description": "三项条件都说对",
    }
    assert "levels" not in record["rubric"][1]
    back = question_from_record(spec.id, record)
    assert back.checksum() == spec.checksum()


def test_excel_round_trip_keeps_levels():
    (spec,), _ = parse()
    back = read_workbook(write_workbook([spec], []), "bank.xlsx")
    assert back.errors == []
    assert back.questions[0].checksum() == spec.checksum()
    assert back.questions[0].rubric[0].levels[1].label == "部分正确"


def test_gift_round_trip_keeps_levels():
    (spec,), _ = parse()
    back = read_gift(write_gift([spec]), "bank.gift")
    assert back.errors == []
    assert back.questions[0].checksum() == spec.checksum()


def _draft(levels):
    return Draft(
        id="e-1",
        kind="essay",
        topic="测试",
        points=D(2),
        stem="问题",
        rubric=[DraftCriterion("知识", D(2), ("要点",), levels)],
        reference_answer="参考",
    )


def test_the_builder_checks_levels_like_a_content_file():
    spec, problems = build(_draft(levels_from_text("对 (2分): 全对\n错 (0分): 全错")))
    assert problems == [] and spec.rubric[0].levels[0] == Level("对", D(2), "全对")
    _, problems = build(_draft(levels_from_text("对 (2分): 全对\n错 (1分): 半对")))
    assert [p.field for p in problems] == ["评分标准"]
    assert "最低档次“错”应为 0 分" in problems[0].message
    _, problems = build(_draft((Level("对", D(2), ""), Level("错", D(0), "全错"))))
    assert "没有写明什么样的答案得这一档" in problems[0].message


def test_level_text_that_cannot_be_read_is_named():
    assert levels_from_text("正确（2分）：全对\n\n不正确 (0 分): 全错") == (
        Level("正确", D(2), "全对"),
        Level("不正确", D(0), "全错"),
    )
    with pytest.raises(LevelTextError, match="第 2 个档次应写作"):
        levels_from_text("正确 (2分): 全对\n不正确")


def test_excel_level_lines_go_under_their_criterion():
    from tests.unit.test_content_excel import book, row

    rubric = "知识 (2分): 要点\n  - 对 (2分): 全对\n  - 错 (0分): 全错\n表达 (1分): 清楚"
    cells = row(题型="简答", 分值=3, 评分标准=rubric, 答案="参考", 编号="e-2")
    back = read_workbook(book([cells]), "x.xlsx")
    assert back.errors == []
    first, second = back.questions[0].rubric
    assert [lv.label for lv in first.levels] == ["对", "错"] and second.levels == ()
    bad = row(
        题型="简答", 分值=2, 评分标准="知识 (2分): 要点\n  - 对 全对", 答案="参考", 编号="e-3"
    )
    errors = read_workbook(book([bad]), "x.xlsx").errors
    assert errors and "评分项“知识”的第 1 个档次应写作" in errors[0].message
