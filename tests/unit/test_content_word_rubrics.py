"""评分标准 and 案例 read from Word/pasted text: every written form, every mistake named by line."""

from __future__ import annotations

from decimal import Decimal

import pytest

from exam_app.content.word_docx import read_docx
from exam_app.content.word_rubric import read_rubric
from exam_app.content.word_text import read_word_text
from tests.word_banks import RUBRICS_AND_CASES, RUBRICS_EXPECTED, docx_bytes

ESSAY = "一、简答题\n1. 简述峰谷分时电价。（4分）\n参考答案：分时段计价。\n评分标准：\n"
CASE_HEAD = "一、案例分析题\n"
CASE_BODY = (
    "案例一：广告收益\n物业公司设置广告。\n依据：《民法典》第二百八十二条。\n"
    "出处：某中心考核试题·案例12\n1. 收益归谁？（2分）\n参考答案：业主共有。\n"
    "评分标准：\n（1）收益归属（2分）：业主共有\n"
)


def _read(text: str):
    return read_word_text(text, "bank.txt", "案例导入", 4)


def _shape(result):
    titles = {c.id: c.title for c in result.cases}
    return [
        (
            str(q.points),
            titles.get(q.case_id) if q.case_id else None,
            [
                (c.title, str(c.points), c.key_points, tuple(lv.label for lv in c.levels))
                for c in q.rubric
            ],
        )
        for q in result.questions
    ]


def _errors(text: str) -> list[str]:
    return [str(e) for e in _read(text).errors]


def test_every_rubric_and_case_layout_is_read_as_written():
    result = _read(RUBRICS_AND_CASES)
    assert result.errors == [], [str(e) for e in result.errors]
    assert _shape(result) == RUBRICS_EXPECTED
    first = result.questions[0]
    assert first.guidance == "答题不完整扣2分。"
    assert first.rubric[2].levels[1].points == Decimal("1.5")
    assert first.rubric[2].levels[0].description == "举出两例"
    assert [c.id for c in first.rubric] == ["c1", "c2", "c3", "c4"]
    assert first.case_id is None and first.topic == "案例导入" and first.difficulty == 4
    # No 评分标准 warning: the essays arrive with their rubric.
    assert not any("评分标准" in w.message for w in result.warnings)
    one, two = result.cases
    assert one.id.startswith("imp-case-") and one.topic == "案例导入"
    assert one.scenario == (
        "某物业公司经政府主管部门批准，在大厦裙楼平台设置了一幅广告。\n\n业主委员会要求撤除该广告。"
    )
    assert (
        one.basis.startswith("《民法典》第二百七十八条")
        and "\n\n《民法典》第二百八十二条" in one.basis
    )
    assert one.source == "某客户服务中心业务考核试题·案例分析第12题"
    assert [q.stem for q in one.questions] == ["法院该怎么判？", "为什么？"]
    assert {q.source for q in one.questions} == {one.source}
    assert two.title == "保洁员擅自进入业主家" and two.source == "客户服务技能考核任务书·案例第9题"
    assert [q.stem for q in two.questions] == ["保洁员错在哪里？", "应该怎样处理？"]


def test_the_same_text_gives_the_same_case_and_question_ids():
    first, second = _read(RUBRICS_AND_CASES), _read(RUBRICS_AND_CASES)
    assert [c.id for c in first.cases] == [c.id for c in second.cases]
    assert [q.id for q in first.questions] == [q.id for q in second.questions]


def test_a_docx_reads_as_the_text_does_indented_levels_included():
    result = read_docx(docx_bytes(RUBRICS_AND_CASES), "题库.docx", "案例导入", 4)
    assert result.errors == [], [str(e) for e in result.errors]
    assert _shape(result) == RUBRICS_EXPECTED
    assert result.place(1) == "第 1 段"


@pytest.mark.parametrize(
    ("line", "title", "points", "keys"),
    [
        ("1. 说明峰谷分时的含义（2分）", "说明峰谷分时的含义", "2", ("说明峰谷分时的含义",)),
        ("（1）说明含义 2分", "说明含义", "2", ("说明含义",)),
        ("①说明含义（2分）", "说明含义", "2", ("说明含义",)),
        ("1、说明含义（得2分）。", "说明含义", "2", ("说明含义",)),
        ("1）含义：高峰贵；低谷便宜（2分）", "含义", "2", ("高峰贵", "低谷便宜")),
        ("含义（2分）：高峰贵；低谷便宜", "含义", "2", ("高峰贵", "低谷便宜")),
        ("- 含义 (2分): 高峰贵；低谷便宜", "含义", "2", ("高峰贵", "低谷便宜")),
        ("一、含义——2分", "含义", "2", ("含义",)),
        ("说明含义，1.5分", "说明含义", "1.5", ("说明含义",)),
        ("（１）说明含义（２分）", "说明含义", "2", ("说明含义",)),
    ],
)
def test_every_criterion_form(line, title, points, keys):
    criteria, problems = read_rubric([(5, line)], 4)
    assert problems == []
    (criterion,) = criteria
    assert (criterion.title, str(criterion.points), criterion.key_points) == (title, points, keys)


@pytest.mark.parametrize(
    ("lines", "line", "message"),
    [
        (["（1）说明含义"], 5, "「（1）说明含义」无法识别为评分项：没有分值"),
        (["答题不完整扣2分"], 5, "无法识别为评分项：没有分值"),
        (["（1）含义（1分），举例（1分）"], 5, "一行写了几个分值"),
        (["（1）含义（2分）举例说明"], 5, "分值（（2分））之后还有文字"),
        (["（2分）"], 5, "评分项没有标题"),
        ([], 4, "“评分标准”下没有评分项"),
        (["（1）含义（0.3分）"], 5, "评分项“含义”的分值不是步长 0.5 分的整数倍"),
        (["（1）含义（2分）", "正确 2分 / 部分正确 1分 / 不正确 0分"], 6, "档次“正确”没有写明"),
        (["（1）含义（2分）", "正确 2分：全对 / 不正确 1分：全错"], 6, "最低档次“不正确”应为 0 分"),
        (
            ["（1）含义（2分）", "正确 1分：全对 / 不正确 0分：全错"],
            6,
            "最高档次“正确”应为该项满分",
        ),
        (["（1）含义（2分）", "  - 正确 (2分): 全对", "  - 错 (0分)"], 7, "档次“错”没有写明"),
        (
            ["（1）含义（2分）", "对 2分：全对 / 错 0分：无", "对 2分：全对 / 错 0分：无"],
            7,
            "档次写了两次",
        ),
    ],
)
def test_every_rubric_mistake_is_named_by_its_line(lines, line, message):
    _criteria, problems = read_rubric(list(enumerate(lines, start=5)), 4)
    assert any(at == line and message in text for at, text in problems), problems


def test_a_level_line_before_any_criterion_is_not_a_level():
    _criteria, problems = read_rubric([(5, "正确 2分：全对 / 不正确 0分：全错")], 4)
    assert problems and "无法识别为评分项" in problems[0][1]


@pytest.mark.parametrize(
    ("rubric", "line", "message"),
    [
        ("（1）含义（1分）\n（2）举例（1分）\n", 4, "评分标准各项合计 2 分，与题目分值 4 分不一致"),
        ("（1）含义（4分）\n讲清楚即可\n", 6, "「讲清楚即可」无法识别为评分项"),
        ("（1）含义（4分）\n正确 4分 / 不正确 0分\n", 6, "档次“正确”没有写明什么样的答案得这一档"),
    ],
)
def test_an_essay_with_a_bad_rubric_is_refused_naming_the_item_and_line(rubric, line, message):
    result = _read(ESSAY + rubric)
    assert result.questions == []
    assert any(e.line == line and message in e.message for e in result.errors), result.errors
    assert all(e.message.startswith("第 1 题「1. 简述峰谷分时电价") for e in result.errors)


def test_a_rubric_under_a_choice_item_is_an_error():
    text = "一、单选题（每题2分）\n1. 题干\nA. 甲\nB. 乙\n答案：A\n评分标准：\n（1）要点（2分）\n"
    assert any("只有简答题和案例题才写“评分标准”" in e for e in _errors(text))


def test_a_rubric_numbered_like_the_next_item_is_reported_not_guessed():
    text = ESSAY + "1. 含义（2分）\n2. 举例（2分）\n"
    (error,) = _errors(text)
    assert (
        error.startswith("bank.txt:6:")
        and "无法判断是第 2 题还是上一题评分标准中的第 2 点" in error
    )


def test_a_rubric_written_twice_is_an_error():
    text = ESSAY + "（1）含义（4分）\n评分标准：\n（1）含义（4分）\n"
    assert any("“评分标准”重复" in e for e in _errors(text))


@pytest.mark.parametrize(
    ("change", "line", "message"),
    [
        (("依据：《民法典》第二百八十二条。\n", ""), 2, "案例「广告收益」没有依据：在情景之后、第一题之前写“依据：”"),
        (("出处：某中心考核试题·案例12\n", ""), 2, "案例「广告收益」没有出处：在情景之后、第一题之前写一行“出处：…”"),
        (("案例一：广告收益", "案例一："), 2, "第 2 行的案例没有标题"),
        (("物业公司设置广告。\n", ""), 2, "案例「广告收益」没有情景"),
        (("1. 收益归谁？（2分）\n参考答案：业主共有。\n评分标准：\n（1）收益归属（2分）：业主共有\n", ""), 2, "案例「广告收益」下面没有题目"),
        (("出处：某中心考核试题·案例12\n", "出处：甲\n出处：乙\n"), 6, "案例「广告收益」的出处写了两次"),
        (("依据：《民法典》第二百八十二条。\n", "依据：甲\n【依据】乙\n"), 5, "案例「广告收益」的依据写了两次"),
        (("案例一：广告收益\n", ""), 2, "案例分析题下先写“案例一：标题”"),
        (("（1）收益归属（2分）：业主共有", "（1）收益归属（1分）：业主共有"), 8, "案例「广告收益」第 1 题「1. 收益归谁？（2分）」评分标准各项合计 1 分"),
    ],
)  # fmt: skip
def test_every_case_mistake_is_named_by_its_line(change, line, message):
    text = CASE_HEAD + CASE_BODY.replace(*change)
    result = _read(text)
    assert any(e.line == line and message in e.message for e in result.errors), [
        str(e) for e in result.errors
    ]


def test_a_case_is_never_given_a_made_up_source_or_basis():
    result = _read(CASE_HEAD + CASE_BODY.replace("出处：某中心考核试题·案例12\n", ""))
    assert result.errors and not result.ok
    assert "系统不会替你填写出处" in result.errors[0].message


def test_a_case_question_without_rubric_is_a_draft_to_complete_like_an_essay():
    text = CASE_HEAD + CASE_BODY.split("评分标准")[0]
    result = _read(text)
    assert result.errors == [] and len(result.cases) == 1
    assert any("还没有评分标准" in w.message for w in result.warnings)


def test_reference_answers_may_say_yiju_after_the_first_question():
    text = CASE_HEAD + CASE_BODY.replace(
        "参考答案：业主共有。", "参考答案：业主共有。\n依据：第二百八十二条。"
    )
    result = _read(text)
    assert result.errors == [], result.errors
    assert result.questions[0].reference_answer == "业主共有。\n\n依据：第二百八十二条。"
    assert result.cases[0].basis == "《民法典》第二百八十二条。"


def test_two_identical_cases_are_reported():
    result = _read(CASE_HEAD + CASE_BODY + CASE_BODY)
    assert any("与第 2 行的案例完全相同" in e.message for e in result.errors)


def test_an_answer_key_cannot_answer_a_case_question():
    text = CASE_HEAD + CASE_BODY + "参考答案\n二、案例分析题\n1.A\n"
    assert not _read(text).ok


def test_the_readme_example_imports_as_documented():
    """The Word example leads copy from (question_bank/README.md section 四) must import."""
    import re
    from pathlib import Path

    readme = Path(__file__).resolve().parents[2] / "question_bank" / "README.md"
    (block,) = re.findall(r"```text\n(.*?)```", readme.read_text(encoding="utf-8"), re.S)
    result = _read(block)
    assert result.errors == [], [str(e) for e in result.errors]
    (case,) = result.cases
    assert case.source == "某客户服务中心业务考核试题·案例分析第12题"
    (question,) = case.questions
    assert [c.title for c in question.rubric] == ["判决结果", "收益处理"]
    assert [lv.label for lv in question.rubric[0].levels] == ["正确", "部分正确", "不正确"]
    assert question.guidance.startswith("只答判决结果")
