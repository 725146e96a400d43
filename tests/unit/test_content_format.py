"""Each item kind parses into exactly the key format the grader and the DB loader share."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from exam_app.content import (
    CaseSpec,
    ContentSet,
    Criterion,
    Option,
    QuestionSpec,
    parse_case_file,
    parse_question_file,
)

HEAD = "---\n知识点: 测试\n---\n\n"


def parse_one(body: str, head: str = HEAD) -> QuestionSpec:
    questions, errors = parse_question_file(head + body, "question_bank/t.md")
    assert errors == []
    assert len(questions) == 1
    return questions[0]


SINGLE = """## s-1
题型: 单选
分值: 1

题干

- [ ] 甲
- [x] 乙
- [ ] 丙
"""
TF_TRUE = "## t-1\n题型: 判断\n分值: 1\n\n题干\n\n答案: 正确\n"
TF_FALSE = "## t-2\n题型: 判断\n分值: 1\n\n题干\n\n答案: 错误\n"
MULTI_EXACT = """## m-1
题型: 多选
分值: 3

题干

- [x] 甲
- [ ] 乙
- [x] 丙
"""
MULTI_HALF = MULTI_EXACT.replace("分值: 3\n", "分值: 3\n评分: 少选得一半分\n")
MULTI_PER_OPTION = MULTI_EXACT.replace("分值: 3\n", "分值: 3\n评分: 少选按选项得分\n")
MULTI_WEIGHTED = """## m-2
题型: 多选
分值: 2
评分: 按权重

题干

- [x] (50%) 甲
- [ ] (-50%) 乙
- [x] (50%) 丙
- [ ] 丁
"""
FILL = """## f-1
题型: 填空
分值: 2

{{1}}内派员，{{2}}内索赔。

答案:
1. 24小时 | 二十四小时
2. 7日 | (50%) 一周
"""
FILL_ANY = FILL.replace("分值: 2\n", "分值: 2\n顺序: 任意\n评分: 全对才得分\n")

KEY_CASES = [
    (SINGLE, "single", {"answer": "B"}, None),
    (TF_TRUE, "tf", {"answer": True}, None),
    (TF_FALSE, "tf", {"answer": False}, None),
    (MULTI_EXACT, "multi", {"answers": ["A", "C"]}, "exact"),
    (MULTI_HALF, "multi", {"answers": ["A", "C"]}, "half"),
    (MULTI_PER_OPTION, "multi", {"answers": ["A", "C"]}, "per_option"),
    (
        MULTI_WEIGHTED,
        "multi",
        {"answers": ["A", "C"], "weights": {"A": "0.5", "B": "-0.5", "C": "0.5", "D": "0"}},
        "weighted",
    ),
    (
        FILL,
        "fill",
        {
            "blanks": [[["24小时", "1"], ["二十四小时", "1"]], [["7日", "1"], ["一周", "0.5"]]],
            "any_order": False,
        },
        "per_blank",
    ),
    (
        FILL_ANY,
        "fill",
        {
            "blanks": [[["24小时", "1"], ["二十四小时", "1"]], [["7日", "1"], ["一周", "0.5"]]],
            "any_order": True,
        },
        "all_or_nothing",
    ),
]


@pytest.mark.parametrize(("body", "kind", "key", "rule"), KEY_CASES)
def test_each_kind_parses_into_the_shared_key_format(body, kind, key, rule):
    q = parse_one(body)
    assert q.kind == kind
    assert q.key == key
    assert q.rule == rule
    # The key goes into a JSON column as is.
    assert json.loads(json.dumps(q.key)) == key


def test_single_choice_options_are_labelled_in_order():
    q = parse_one(SINGLE)
    assert q.options == (
        Option("A", "甲", False, None),
        Option("B", "乙", True, None),
        Option("C", "丙", False, None),
    )
    assert q.stem == "题干"
    assert (q.id, q.topic, q.points, q.difficulty) == ("s-1", "测试", Decimal("1"), 3)
    assert q.file == "question_bank/t.md"
    assert q.line == 5


def test_weighted_options_carry_their_weights_as_fractions():
    q = parse_one(MULTI_WEIGHTED)
    assert [o.weight for o in q.options] == [
        Decimal("0.5"),
        Decimal("-0.5"),
        Decimal("0.5"),
        Decimal("0"),
    ]


def test_fill_stem_keeps_the_blank_markers():
    assert parse_one(FILL).stem == "{{1}}内派员，{{2}}内索赔。"


def test_essay_rubric_reference_and_guidance():
    q = parse_one(
        """## e-1
题型: 简答
分值: 5
步长: 1

电费违约金如何收取？

评分标准:
- 违约金起算与比例 (3分): 自逾期之日起; 每日1‰至3‰
- 答题完整 (2分): 停电程序；现行依据

参考答案:
第一段。

第二段。

评分说明: 答题不完整扣2分。
阅卷时以本省文件为准。
"""
    )
    assert q.kind == "essay"
    assert q.key == {}
    assert q.rule is None
    assert q.rubric == (
        Criterion(
            "c1", "违约金起算与比例", Decimal("3"), Decimal("1"), ("自逾期之日起", "每日1‰至3‰")
        ),
        Criterion("c2", "答题完整", Decimal("2"), Decimal("1"), ("停电程序", "现行依据")),
    )
    assert q.reference_answer == "第一段。\n\n第二段。"
    assert q.guidance == "答题不完整扣2分。\n阅卷时以本省文件为准。"


def test_essay_step_defaults_to_half_a_point():
    q = parse_one(
        "## e-2\n题型: 简答\n分值: 1.5\n\n问\n\n评分标准:\n- 要点 (1.5分): 甲\n\n参考答案: 甲\n"
    )
    assert q.rubric[0].step == Decimal("0.5")
    assert q.rubric[0].points == Decimal("1.5")


def test_explanation_runs_over_several_lines_until_the_next_question():
    questions, errors = parse_question_file(
        HEAD + TF_TRUE + "解析: 第一行\n第二行\n\n" + TF_FALSE, "question_bank/t.md"
    )
    assert errors == []
    assert questions[0].explanation == "第一行\n第二行"
    assert questions[1].explanation == ""


def test_file_header_gives_defaults_and_questions_override_them():
    head = "---\n知识点: 电费\n难度: 2\n分值: 1.5\n出处: 条例\n标签: 甲、乙\n---\n\n"
    body = (
        SINGLE.replace("分值: 1\n", "")
        + "\n"
        + SINGLE.replace("s-1", "s-2").replace(
            "分值: 1\n", "分值: 4\n难度: 5\n出处: 民法典\n标签: 丙\n知识点: 物业\n"
        )
    )
    first, second = parse_question_file(head + body, "question_bank/t.md")[0]
    assert (first.topic, first.difficulty, first.points, first.source, first.tags) == (
        "电费",
        2,
        Decimal("1.5"),
        "条例",
        ("甲", "乙"),
    )
    assert (second.topic, second.difficulty, second.points, second.source, second.tags) == (
        "物业",
        5,
        Decimal("4"),
        "民法典",
        ("丙",),
    )


def test_full_width_colons_and_digits_are_accepted():
    q = parse_one("## t-3\n题型：判断题\n分值：２\n难度：４\n\n题干\n\n答案：错误\n")
    assert (q.kind, q.points, q.difficulty, q.key) == ("tf", Decimal("2"), 4, {"answer": False})


def test_a_title_and_notes_before_the_first_question_are_ignored():
    q = parse_one(SINGLE, HEAD + "# 标题\n\n给同事的说明文字。\n\n")
    assert q.id == "s-1"


def test_windows_line_endings_and_bom():
    text = ("\ufeff" + HEAD + SINGLE).replace("\n", "\r\n")
    questions, errors = parse_question_file(text, "question_bank/t.md")
    assert errors == []
    assert questions[0].options[1].text == "乙"


CASE = """---
编号: case-x
标题: 示例案例
知识点: 物业管理案例
出处: 种子文档000
---

# 情景

业主拒交管理费。

# 依据

- 《民法典》第九百四十四条。

## case-x-q1
分值: 4

应如何解释？

评分标准:
- 依据 (2分): 民法典第九百四十四条
- 沟通 (2分): 耐心；礼貌

参考答案:
按合同交费。

评分说明: 答题不完整扣2分。

## case-x-q2
题型: 判断
分值: 1

物业可以停水催费。

答案: 错误
"""


def test_case_file_parses_scenario_basis_and_questions():
    case, errors = parse_case_file(CASE, "cases/case-x.md")
    assert errors == []
    assert isinstance(case, CaseSpec)
    assert (case.id, case.title, case.topic, case.source) == (
        "case-x",
        "示例案例",
        "物业管理案例",
        "种子文档000",
    )
    assert case.scenario == "业主拒交管理费。"
    assert case.basis == "- 《民法典》第九百四十四条。"
    essay, tf = case.questions
    assert (essay.id, essay.kind, essay.case_id, essay.topic, essay.source) == (
        "case-x-q1",
        "essay",
        "case-x",
        "物业管理案例",
        "种子文档000",
    )
    assert essay.guidance == "答题不完整扣2分。"
    assert (tf.kind, tf.key, tf.case_id) == ("tf", {"answer": False}, "case-x")
    assert case.line == 2


def test_counts_by_topic_and_kind():
    questions, _ = parse_question_file(HEAD + SINGLE + TF_TRUE + FILL, "question_bank/t.md")
    case, _ = parse_case_file(CASE, "cases/case-x.md")
    counts = ContentSet(questions, [case], []).counts()
    assert counts == {
        "questions": 3,
        "by_topic": {"测试": 3},
        "by_kind": {"single": 1, "tf": 1, "fill": 1},
        "cases": 1,
        "case_questions": 2,
    }


def test_checksum_ignores_position_but_not_content():
    base = parse_one(SINGLE)
    moved, _ = parse_question_file(HEAD + "\n\n\n" + SINGLE, "question_bank/other.md")
    assert moved[0].line != base.line
    assert moved[0].checksum() == base.checksum()
    assert parse_one(SINGLE).checksum() == base.checksum()
    edits = [
        SINGLE.replace("- [x] 乙", "- [ ] 乙").replace("- [ ] 丙", "- [x] 丙"),
        SINGLE.replace("题干", "题干。"),
        SINGLE.replace("分值: 1", "分值: 2"),
        SINGLE.replace("分值: 1", "分值: 1\n难度: 4"),
        SINGLE + "\n解析: 新解析\n",
    ]
    sums = {parse_one(edit).checksum() for edit in edits}
    assert base.checksum() not in sums
    assert len(sums) == len(edits)


def test_case_checksum_follows_its_questions():
    case, _ = parse_case_file(CASE, "cases/case-x.md")
    again, _ = parse_case_file(CASE, "cases/case-x.md")
    edited, _ = parse_case_file(CASE.replace("按合同交费。", "按合同约定交费。"), "cases/x.md")
    assert case.checksum() == again.checksum()
    assert edited.checksum() != case.checksum()
    assert len(case.checksum()) == 64


def test_a_case_question_may_take_everything_from_the_case_header():
    text = CASE.replace("出处: 种子文档000\n", "出处: 种子文档000\n分值: 4\n").replace(
        "## case-x-q1\n分值: 4\n\n", "## case-x-q1\n\n"
    )
    case, errors = parse_case_file(text, "cases/case-x.md")
    assert errors == []
    assert (case.questions[0].stem, case.questions[0].points) == ("应如何解释？", Decimal("4"))
