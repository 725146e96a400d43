"""decision_reason() and combined_criteria(): what a double-marking decision records and shows."""

from decimal import Decimal as D

import pytest

from exam_app.grading import GradingError, reconcile
from exam_app.grading.marking_decisions import combined_criteria, decision_reason


def reason(*marks, tolerance="2", rule="average"):
    values = [D(str(m)) for m in marks]
    return decision_reason(values, D(tolerance), rule, reconcile(values, D(tolerance), rule))


@pytest.mark.parametrize(
    ("marks", "rule", "expected"),
    [
        # The worked examples of grading-rules.md, t = 2.
        ((8, 9), "average", "双评：一评 8、二评 9，相差 1，未超过阈值 2，取平均分 8.5 分"),
        ((5, 9), "average", "双评：一评 5、二评 9，相差 4，超过阈值 2，需三评"),
        ((5, 9, 8), "average",
         "双评：一评 5、二评 9，相差 4，超过阈值 2；三评 8，与二评 9 最接近（相差 1），取两者平均分 8.5 分"),
        ((4, 9, 6.5), "average",
         "双评：一评 4、二评 9，相差 5，超过阈值 2；三评 6.5，与两评最小相差 2.5，仍超过阈值 2，由培训负责人仲裁"),
        ((8, 9), "higher", "双评：一评 8、二评 9，相差 1，未超过阈值 2，取较高分 9 分"),
        ((3, 9, 4), "average",
         "双评：一评 3、二评 9，相差 6，超过阈值 2；三评 4，与一评 3 最接近（相差 1），取两者平均分 3.5 分"),
        ((7, 9), "average", "双评：一评 7、二评 9，相差 2，未超过阈值 2，取平均分 8 分"),
        ((6,), "average", "单评：6 分"),
    ],
)  # fmt: skip
def test_reasons(marks, rule, expected):
    assert reason(*marks, rule=rule) == expected


def test_the_first_pair_decides_even_if_a_third_mark_exists():
    assert reason(8, 9, 2).startswith("双评：一评 8、二评 9，相差 1，未超过阈值 2，取平均分 8.5")


def test_an_averaged_pair_shows_each_criterion_averaged():
    first = {"c1": "2", "c2": "1.5"}
    second = {"c1": D("1.5"), "c2": "2"}
    assert combined_criteria([first, second]) == {"c1": D("1.75"), "c2": D("1.75")}


def test_one_review_is_shown_as_given():
    assert combined_criteria([{"c1": "2", "c2": "0"}]) == {"c1": D("2.00"), "c2": D("0.00")}


def test_criteria_of_an_averaged_pair_add_up_to_the_averaged_total():
    first, second = {"a": "3.5", "b": "1", "c": "0.5"}, {"a": "2", "b": "2", "c": "1.5"}
    combined = combined_criteria([first, second])
    totals = [sum(D(v) for v in r.values()) for r in (first, second)]
    assert sum(combined.values()) == sum(totals) / 2


def test_reviews_of_different_rubrics_are_not_merged():
    with pytest.raises(GradingError, match="评分项不一致"):
        combined_criteria([{"c1": "1"}, {"c2": "1"}])


def test_nothing_to_merge_is_an_error():
    with pytest.raises(GradingError, match="没有可合并"):
        combined_criteria([])


def test_a_bad_stored_point_is_an_error():
    with pytest.raises(GradingError, match="不是有效的数字"):
        combined_criteria([{"c1": "很好"}])
