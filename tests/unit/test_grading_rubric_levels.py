"""Criteria marked by levels (评分档次, seed 003: 正确 / 部分正确 / 不正确)."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exam_app.grading import (
    Criterion,
    Level,
    RubricError,
    criteria_from_rubric,
    level_problems,
    rubric_total,
)

THREE = (
    Level("正确", D(5), "要点完整"),
    Level("部分正确", D("2.5"), "答出一半"),
    Level("不正确", D(0)),
)
KNOWLEDGE = Criterion("c1", "业务知识", D(5), levels=THREE)
FREE = Criterion("c2", "表达", D(2))


@pytest.mark.parametrize(("mark", "total"), [("5", "7"), ("2.5", "4.5"), ("0", "2"), (D(5), "7")])
def test_a_level_mark_adds_its_points(mark, total):
    assert rubric_total([KNOWLEDGE, FREE], {"c1": mark, "c2": "2"}) == D(total)


@pytest.mark.parametrize("mark", ["3", "4.5", "0.5", "1", "4.9999"])
def test_points_between_levels_are_refused(mark):
    with pytest.raises(RubricError) as caught:
        rubric_total([KNOWLEDGE, FREE], {"c1": mark, "c2": "2"})
    assert "按档次评分" in str(caught.value)
    assert "可选：正确 5 分、部分正确 2.5 分、不正确 0 分" in str(caught.value)


@pytest.mark.parametrize(
    ("mark", "message"),
    [
        ("6", "「业务知识」的得分 6 超出范围 0–5"),
        ("-2.5", "「业务知识」的得分 -2.5 超出范围 0–5"),
        ("正确", "「业务知识」的得分「正确」不是有效的数字"),
        ("", "「业务知识」尚未评分"),
    ],
)
def test_other_bad_level_marks(mark, message):
    with pytest.raises(RubricError) as caught:
        rubric_total([KNOWLEDGE, FREE], {"c1": mark, "c2": "2"})
    assert str(caught.value) == message


def test_level_for_names_the_level_of_a_mark():
    assert KNOWLEDGE.level_for("2.50").label == "部分正确"
    assert KNOWLEDGE.level_for(D(0)).label == "不正确"
    assert KNOWLEDGE.level_for("3") is None
    assert KNOWLEDGE.level_for("x") is None
    assert FREE.level_for("2") is None


def test_levels_are_kept_as_decimals():
    criterion = Criterion("c1", "知识", "4", step="1", levels=(Level("对", "4"), Level("错", "0")))
    assert [lv.points for lv in criterion.levels] == [D(4), D(0)]


def test_a_step_finer_than_the_levels_does_not_widen_them():
    # Step 0.5 would allow 1.5 on a free criterion; levels allow their points only.
    with pytest.raises(RubricError):
        rubric_total([KNOWLEDGE], {"c1": "1.5"})


def _levels(*pairs):
    return tuple(Level(label, D(points)) for label, points in pairs)


@pytest.mark.parametrize(
    ("levels", "message"),
    [
        (_levels(("正确", "5")), "评分项“知识”的评分档次应有 2–6 个，现有 1 个"),
        (_levels(*[(str(n), str(5 - n)) for n in range(7)]), "应有 2–6 个，现有 7 个"),
        (_levels(("正确", "5"), ("正确", "0")), "评分项“知识”的档次“正确”重复"),
        (_levels(("正确", "5"), (" ", "0")), "评分项“知识”有一个评分档次没有名称"),
        (_levels(("正确", "5"), ("完全不正确也不相关的回答内容", "0")), "太长（最多 12 个字）"),
        (_levels(("正确", "6"), ("不正确", "0")), "档次“正确”为 6 分，超过该项满分 5 分"),
        (_levels(("正确", "5"), ("不正确", "-1")), "档次“不正确”的分值无效"),
        (
            _levels(("正确", "5"), ("部分", "2.25"), ("不正确", "0")),
            "分值 2.25 不是步长 0.5 的整数倍",
        ),
        (
            _levels(("不正确", "0"), ("正确", "5")),
            "要按分值从高到低写：“正确”（5 分）不能写在“不正确”（0 分）之后",
        ),
        (_levels(("正确", "5"), ("部分", "2"), ("也部分", "2"), ("错", "0")), "“也部分”（2 分）"),
        (_levels(("较好", "4"), ("不正确", "0")), "最高档次“较好”应为该项满分 5 分，现为 4 分"),
        (_levels(("正确", "5"), ("差", "1")), "最低档次“差”应为 0 分"),
    ],
)
def test_bad_levels_are_named(levels, message):
    problems = level_problems("知识", D(5), D("0.5"), levels)
    assert problems and message in problems[0][1]
    with pytest.raises(RubricError) as caught:
        Criterion("c1", "知识", D(5), levels=levels)
    assert message in str(caught.value)


def test_a_problem_names_the_level_it_is_about():
    levels = _levels(("正确", "5"), ("部分", "2"), ("部分", "1"), ("错", "0"))
    assert level_problems("知识", D(5), D(1), levels)[0][0] == 2
    assert level_problems("知识", D(5), D(1), _levels(("对", "5"), ("错", "1")))[0][0] == 1


def test_good_levels_have_no_problems():
    assert level_problems("知识", D(5), D("0.5"), THREE) == []
    assert level_problems("知识", D(2), D(1), _levels(("对", "2"), ("错", "0"))) == []


def test_criteria_from_a_stored_rubric():
    stored = [
        {
            "id": "c1",
            "title": "业务知识",
            "points": "5",
            "step": "0.5",
            "key_points": ["a"],
            "levels": [
                {"label": "正确", "points": "5", "description": "要点完整"},
                {"label": "部分正确", "points": "2.5", "description": "答出一半"},
                {"label": "不正确", "points": "0", "description": "未答出"},
            ],
        },
        {"id": "c2", "title": "表达", "points": "2", "step": "1", "key_points": []},
    ]
    knowledge, free = criteria_from_rubric(stored)
    assert [lv.label for lv in knowledge.levels] == ["正确", "部分正确", "不正确"]
    assert knowledge.levels[0].description == "要点完整"
    assert free.levels == () and free.step == D(1)


@given(
    st.lists(st.integers(min_value=1, max_value=20), min_size=1, max_size=4, unique=True),
    st.data(),
)
def test_any_valid_levels_accept_exactly_their_points(middle, data):
    """Full marks, any falling middle levels, 0: every level's points pass, nothing else."""
    full = D(max(middle) + 1)
    points = [full, *sorted((D(m) for m in middle), reverse=True), D(0)]
    levels = tuple(Level(f"档{i}", p) for i, p in enumerate(points))
    if len(levels) > 6:
        levels = levels[:5] + levels[-1:]
    criterion = Criterion("c", "项", full, step=D(1), levels=levels)
    allowed = {lv.points for lv in criterion.levels}
    mark = data.draw(st.integers(min_value=0, max_value=int(full)))
    if D(mark) in allowed:
        assert rubric_total([criterion], {"c": str(mark)}) == D(mark)
    else:
        with pytest.raises(RubricError):
            rubric_total([criterion], {"c": str(mark)})


def test_levels_chosen_names_each_levelled_criterion():
    from exam_app.grading.rubric import levels_chosen

    assert levels_chosen([KNOWLEDGE, FREE], {"c1": "2.5", "c2": "1"}) == "业务知识 部分正确"
    assert levels_chosen([FREE], {"c2": "1"}) == ""
    assert levels_chosen([KNOWLEDGE], {}) == ""
