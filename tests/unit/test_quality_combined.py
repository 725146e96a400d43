"""The quarter's combined score: 定量 (exam, service quality) and 定性 (the superior's rating)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exam_app.quality import QualityError, Weights, combined_score, quality_score

W = Weights(D(40), D(40), D(20))


def test_weights_are_percentages_that_add_up_to_100():
    assert (W.exam, W.quality, W.rating) == (D(40), D(40), D(20))
    assert Weights(40, "40", 20) == W  # ints and text are read as Decimal


@pytest.mark.parametrize(
    ("weights", "fragment"),
    [
        ((40, 40, 30), "三项权重合计应为 100，现在是 40 + 40 + 30 = 110"),
        ((40, 40, 10), "= 90"),
        ((-10, 90, 20), "考试成绩权重应在 0 到 100 之间"),
        ((40, 40, "二十"), "定性评价权重应为数字"),
        ((40, 40, True), "定性评价权重应为数字"),
        ((40, 40, "NaN"), "定性评价权重应为数字"),
        ((33.333, 33.333, 33.334), "最多保留两位小数"),
    ],
)
def test_weights_not_adding_up_to_100_are_refused_in_chinese(weights, fragment):
    with pytest.raises(QualityError, match=fragment.replace("+", r"\+")):
        Weights(*weights)


def test_thirds_are_written_with_two_decimals():
    assert Weights("33.33", "33.33", "33.34").rating == D("33.34")


@pytest.mark.parametrize(
    ("deducted", "added", "score"),
    [(0, 0, 100), (6, 0, 94), (6, 5, 99), (2, 5, 100), (120, 0, 0), (120, 15, 0)],
)
def test_quality_score_is_100_less_deductions_plus_bonuses_within_0_and_100(deducted, added, score):
    assert quality_score(deducted, added) == D(score)


def test_quality_score_with_another_base_and_cap():
    assert quality_score(10, 0, base=D(80)) == D(70)
    assert quality_score(0, 30, base=D(80), cap=D(90)) == D(90)


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        ((-1, 0), "扣分合计"),
        ((0, -5), "加分合计"),
        ((1.5, 0), "扣分合计"),
        ((0, 0, 100, 0), "最高分"),
    ],
)
def test_quality_score_refuses_bad_input(args, fragment):
    with pytest.raises(QualityError, match=fragment):
        quality_score(*args)


def test_a_combined_score_shows_each_part_and_its_weighted_contribution():
    score = combined_score(D(80), D(90), D(85), W)
    assert (score.exam_weighted, score.quality_weighted, score.rating_weighted) == (
        D("32.00"), D("36.00"), D("17.00"),
    )  # fmt: skip
    assert score.total == D("85.0") and score.missing == ()
    assert score.parts == (
        ("考试成绩", D(80), D(40), D("32.00")),
        ("服务质量", D(90), D(40), D("36.00")),
        ("定性评价", D(85), D(20), D("17.00")),
    )


def test_the_total_is_rounded_to_a_tenth_half_up_from_the_exact_sum():
    # 34.05 exactly: half up to 34.1, not banker's 34.0.
    assert combined_score(D("85.125"), D(0), D(0), Weights(40, 40, 20)).total == D("34.1")
    # Thirds: 26.664 + 29.997 + 28.339 = 85.0, whatever the rounded contributions say.
    assert combined_score(D(80), D(90), D(85), Weights("33.33", "33.33", "33.34")).total == D(
        "85.0"
    )


def test_a_missing_weighted_part_leaves_the_total_empty_and_is_named():
    score = combined_score(D(80), D(90), None, W)
    assert score.total is None and score.missing == ("定性评价",)
    assert score.exam_weighted == D("32.00") and score.rating_weighted is None


def test_every_missing_weighted_part_is_named_in_display_order():
    assert combined_score(None, None, None, W).missing == ("考试成绩", "服务质量", "定性评价")


def test_a_part_with_weight_0_may_be_missing():
    score = combined_score(None, D(90), D(80), Weights(0, 50, 50))
    assert score.total == D("85.0") and score.missing == () and score.exam_weighted is None


@pytest.mark.parametrize(
    ("part", "value"), [("exam", D(101)), ("quality", D(-1)), ("rating", "优")]
)
def test_parts_must_be_on_the_100_point_scale(part, value):
    given = {"exam": D(80), "quality": D(80), "rating": D(80)} | {part: value}
    with pytest.raises(QualityError):
        combined_score(given["exam"], given["quality"], given["rating"], W)


percent = st.decimals(min_value=0, max_value=100, places=2)


@settings(max_examples=200, deadline=None)
@given(percent, percent, percent, st.integers(0, 100), st.integers(0, 100))
def test_the_total_lies_between_the_lowest_and_the_highest_part(exam, quality, rating, a, b):
    a, b = sorted((a, b))
    score = combined_score(exam, quality, rating, Weights(a, b - a, 100 - b))
    weighted = [p for p, w in ((exam, a), (quality, b - a), (rating, 100 - b)) if w]
    assert min(weighted) - D("0.05") <= score.total <= max(weighted) + D("0.05")
    assert score.total == score.total.quantize(D("0.1"))
