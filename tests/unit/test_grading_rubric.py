"""rubric_total(): checked sums of rubric marks for reviewed items."""

from decimal import Decimal as D

import pytest

from exam_app.grading import Criterion, RubricError, rubric_total

CASE_STUDY = [
    Criterion("facts", "事实认定", D(4)),
    Criterion("law", "法律依据", D(6), step=D(1)),
    Criterion("style", "表达", D("2")),
]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"facts": D("3.5"), "law": D(5), "style": D(2)}, "10.5"),
        ({"facts": "3.5", "law": "5", "style": "2"}, "10.5"),
        ({"facts": " 0 ", "law": "0", "style": "0.0"}, "0"),
        ({"facts": "4", "law": "6", "style": "2"}, "12"),
        ({"facts": "4.0", "law": "6.00", "style": 2}, "12"),
        ({"facts": "0.5", "law": "1", "style": "1.5"}, "3"),
    ],
)
def test_total(given, expected):
    total = rubric_total(CASE_STUDY, given)
    assert total == D(expected)
    assert total.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"facts": "4", "law": "7", "style": "2"}, "「法律依据」的得分 7 超出范围 0–6"),
        ({"facts": "4", "law": D("6.5"), "style": "2"}, "「法律依据」的得分 6.5 超出范围 0–6"),
        ({"facts": "-1", "law": "6", "style": "2"}, "「事实认定」的得分 -1 超出范围 0–4"),
        ({"facts": "4.5", "law": "6", "style": "2"}, "「事实认定」的得分 4.5 超出范围 0–4"),
        ({"facts": "0.3", "law": "6", "style": "2"}, "「事实认定」的得分 0.3 不是 0.5 的整数倍"),
        ({"facts": "4", "law": "2.5", "style": "2"}, "「法律依据」的得分 2.5 不是 1 的整数倍"),
        ({"facts": "4", "law": "6", "style": "1.25"}, "「表达」的得分 1.25 不是 0.5 的整数倍"),
        ({"facts": "4", "law": "6"}, "「表达」尚未评分"),
        ({"facts": "4", "law": "6", "style": ""}, "「表达」尚未评分"),
        ({"facts": "4", "law": "6", "style": None}, "「表达」尚未评分"),
        ({}, "「事实认定」尚未评分"),
        ({"facts": "abc", "law": "6", "style": "2"}, "「事实认定」的得分「abc」不是有效的数字"),
        ({"facts": "4", "law": "NaN", "style": "2"}, "「法律依据」的得分「NaN」不是有效的数字"),
        (
            {"facts": "4", "law": "Infinity", "style": "2"},
            "「法律依据」的得分「Infinity」不是有效的数字",
        ),
        ({"facts": True, "law": "6", "style": "2"}, "「事实认定」的得分「True」不是有效的数字"),
        ({"facts": "4", "law": "6", "style": "2", "bonus": "1"}, "未知的评分项：bonus"),
    ],
)
def test_refused_marks(given, message):
    with pytest.raises(RubricError) as caught:
        rubric_total(CASE_STUDY, given)
    assert str(caught.value) == message


def test_rubric_levels_full_partial_zero():
    # 正确 / 部分正确 / 不正确 as the levels of one criterion worth 2 with step 1.
    levels = [Criterion("verdict", "结论", D(2), step=D(1))]
    assert [rubric_total(levels, {"verdict": mark}) for mark in ("2", "1", "0")] == [2, 1, 0]
    with pytest.raises(RubricError, match="不是 1 的整数倍"):
        rubric_total(levels, {"verdict": "1.5"})


def test_incomplete_answer_deduction_as_a_level():
    # "答题不完整扣2分" on an item worth 10: a completeness criterion of 2, given 0.
    rubric = [Criterion("content", "内容", D(8)), Criterion("complete", "完整性", D(2), D(2))]
    assert rubric_total(rubric, {"content": "8", "complete": "0"}) == D(8)
    with pytest.raises(RubricError, match="不是 2 的整数倍"):
        rubric_total(rubric, {"content": "8", "complete": "1"})


def test_empty_rubric_totals_zero():
    assert rubric_total([], {}) == D(0)


def test_criterion_accepts_strings_and_validates():
    criterion = Criterion("x", "表达", "2", "0.25")  # type: ignore[arg-type]
    assert (criterion.points, criterion.step) == (D(2), D("0.25"))
    assert rubric_total([criterion], {"x": "1.75"}) == D("1.75")
    with pytest.raises(RubricError, match="「表达」的步长无效"):
        Criterion("x", "表达", D(2), D(0))
    with pytest.raises(RubricError, match="「表达」的满分无效"):
        Criterion("x", "表达", D(-2))
    with pytest.raises(RubricError, match="「表达」的满分无效"):
        Criterion("x", "表达", "many")  # type: ignore[arg-type]


def test_duplicate_criterion_ids_are_refused():
    rubric = [Criterion("a", "甲", D(1)), Criterion("a", "乙", D(1))]
    with pytest.raises(RubricError, match="重复"):
        rubric_total(rubric, {"a": "1"})


def test_rubric_error_is_a_value_error():
    assert issubclass(RubricError, ValueError)
