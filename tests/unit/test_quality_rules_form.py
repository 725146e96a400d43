"""The rules page's form: the text people type, read into QualityRules or named problems."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exam_app.quality import DEFAULT_RULES, Band, QualityRules
from exam_app.quality.rules_form import (
    BAND_LABELS,
    BAND_ROWS,
    RulesFormInvalid,
    band_field,
    field_names,
    form_values,
    gaps,
    rules_from_form,
)

BLANK = {band_field(n, part): "" for n in range(1, BAND_ROWS + 1) for part in BAND_LABELS}


def _problems(**changes: str) -> dict[str, str]:
    form = form_values(DEFAULT_RULES) | {k.replace("_", "-") if k.startswith("band") else k: v
                                         for k, v in changes.items()}  # fmt: skip
    with pytest.raises(RulesFormInvalid) as caught:
        rules_from_form(form)
    assert set(caught.value.problems) <= set(field_names())
    assert str(caught.value).startswith("考核规则有误：")
    return caught.value.problems


def test_the_default_rules_fill_the_form_and_read_back_unchanged():
    values = form_values(DEFAULT_RULES)
    assert set(values) == set(field_names())
    assert values["yuan_per_point"] == "5" and values["liable_percent"] == "70"
    assert values[band_field(4, "high")] == "" and values[band_field(5, "low")] == ""
    draft = rules_from_form(values)
    assert draft.rules == DEFAULT_RULES and draft.warnings == ()
    assert gaps(DEFAULT_RULES) == []


def test_a_company_types_its_own_rules():
    form = BLANK | {
        "yuan_per_point": " 2.5 ", "post_at_points": "6", "repeat_times": "2",
        "liable_percent": "66.67", "supervisor_percent": "33.33",
        band_field(1, "low"): "3", band_field(1, "high"): "9", band_field(1, "extra"): "",
        band_field(1, "step"): "警告",
        band_field(2, "low"): "10", band_field(2, "extra"): "100", band_field(2, "note"): "本单位规定",
    }  # fmt: skip
    rules = rules_from_form(form).rules
    assert rules == QualityRules(
        D("2.5"),
        (Band(3, 9, D(0), "警告"), Band(10, None, D(100), "", "本单位规定")),
        6, 2, D("0.6667"), D("0.3333"),
    )  # fmt: skip


def test_full_width_digits_typed_with_a_chinese_input_method_are_read():
    form = form_values(DEFAULT_RULES) | {"yuan_per_point": "５．５", "liable_percent": "７０"}
    assert rules_from_form(form).rules.yuan_per_point == D("5.5")


def test_bands_typed_out_of_order_are_stored_in_order():
    form = form_values(DEFAULT_RULES)
    first = {part: form[band_field(1, part)] for part in BAND_LABELS}
    fourth = {part: form[band_field(4, part)] for part in BAND_LABELS}
    for part in BAND_LABELS:
        form[band_field(1, part)], form[band_field(4, part)] = fourth[part], first[part]
    assert rules_from_form(form).rules == DEFAULT_RULES


def test_a_blank_row_is_no_band_and_no_bands_at_all_is_allowed():
    form = form_values(DEFAULT_RULES) | BLANK
    rules = rules_from_form(form).rules
    assert rules.bands == () and rules.band_for(30) is None


def test_a_band_ticked_for_deletion_is_dropped_whatever_it_holds():
    form = form_values(DEFAULT_RULES) | {band_field(3, "drop"): "y", band_field(3, "low"): "x"}
    draft = rules_from_form(form)
    assert [b.low for b in draft.rules.bands] == [5, 11, 20] and len(draft.warnings) == 1


def test_no_extra_fine_shows_blank_and_reads_as_nothing():
    values = form_values(DEFAULT_RULES)
    assert values[band_field(1, "extra")] == "20" and values[band_field(2, "extra")] == ""
    assert rules_from_form(values).rules.bands[1].extra_fine == 0


def test_a_gap_between_bands_is_a_warning_not_an_error():
    form = form_values(DEFAULT_RULES) | {band_field(3, p): "" for p in BAND_LABELS}
    draft = rules_from_form(form)
    assert [b.low for b in draft.rules.bands] == [5, 11, 20]
    assert draft.warnings == (
        "第 2 档（11~15 分）与第 4 档（20 分以上）之间有间隔：当月扣分 16~19 分不加罚、不作处理",
    )
    assert gaps(draft.rules) == ["第 2 档（11~15 分）与第 3 档（20 分以上）之间有间隔："
                                 "当月扣分 16~19 分不加罚、不作处理"]  # fmt: skip


def test_a_one_point_gap_and_a_bounded_last_band_are_said_plainly():
    form = BLANK | form_values(DEFAULT_RULES) | {band_field(2, "low"): "12",
                                                 band_field(4, "high"): "30"}  # fmt: skip
    warnings = rules_from_form(form).warnings
    assert "当月扣分 11 分不加罚、不作处理" in warnings[0]
    assert warnings[1] == "第 4 档（20~30 分）之后不设档：扣分超过 30 分不加罚、不作处理"


def test_points_below_the_first_band_are_no_gap():
    assert rules_from_form(form_values(DEFAULT_RULES)).warnings == ()


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"yuan_per_point": ""}, "yuan_per_point", "请填写「每扣 1 分罚款（元）」"),
        ({"yuan_per_point": "-1"}, "yuan_per_point", "应为不小于 0、最多两位小数的金额，不是“-1”"),
        ({"yuan_per_point": "1e3"}, "yuan_per_point", "金额"),
        ({"yuan_per_point": "NaN"}, "yuan_per_point", "金额"),
        ({"yuan_per_point": "1234567"}, "yuan_per_point", "金额"),
        ({"yuan_per_point": "٥"}, "yuan_per_point", "金额"),  # digits of other scripts are refused
        ({"post_at_points": "2.5"}, "post_at_points", "「公布张贴：当月扣分达（分）」应为正整数"),
        ({"post_at_points": "0"}, "post_at_points", "应为正整数，不是“0”"),
        ({"repeat_times": "三"}, "repeat_times", "「同一问题发生（次）」应为正整数"),
        ({"liable_percent": "70.001"}, "liable_percent", "最多两位小数的百分数"),
        ({"liable_percent": "101", "supervisor_percent": "-1"}, "liable_percent", "0 到 100 之间"),
        ({"liable_percent": "50"}, "supervisor_percent", "之和应为 100%，现在是 50 + 30"),
        ({"band_1_low": "0"}, "band-1-low", "第 1 档「起点（分）」应为正整数，不是“0”"),
        ({"band_1_low": ""}, "band-1-low", "第 1 档「起点（分）」不能为空"),
        ({"band_1_high": "4"}, "band-1-high", "第 1 档「终点（分）」4 小于起点 5"),
        ({"band_1_high": "十"}, "band-1-high", "应为正整数或留空（不设上限）"),
        ({"band_1_extra": "-5"}, "band-1-extra", "第 1 档「加罚（元）」应为不小于 0"),
        ({"band_1_step": "x" * 21}, "band-1-step", "第 1 档「处理」最多 20 个字"),
        ({"band_1_note": "x" * 201}, "band-1-note", "第 1 档「说明」最多 200 个字"),
        ({"band_2_low": "10"}, "band-2-low", "第 1 档（5~10 分）与第 2 档（10~15 分）重叠"),
        ({"band_3_high": ""}, "band-3-high", "第 3 档（16 分以上）与第 4 档（20 分以上）重叠"),
        ({"band_5_low": "30"}, "band-4-high", "第 4 档（20 分以上）与第 5 档（30 分以上）重叠"),
        ({"band_5_low": "5", "band_5_high": "5"}, "band-5-low", "第 1 档（5~10 分）与第 5 档（5~5 分）重叠"),
    ],
)  # fmt: skip
def test_each_bad_field_is_named_in_chinese(changes, field, fragment):
    problems = _problems(**changes)
    assert field in problems, problems
    assert fragment in problems[field]


def test_every_problem_comes_at_once():
    problems = _problems(yuan_per_point="x", repeat_times="0", band_2_step="x" * 30)
    assert set(problems) == {"yuan_per_point", "repeat_times", "band-2-step"}


def test_anything_but_text_in_a_field_counts_as_blank():
    problems = _problems(yuan_per_point=None)  # type: ignore[arg-type]
    assert problems["yuan_per_point"] == "请填写「每扣 1 分罚款（元）」"


# --- any rules the form can hold survive the round trip -----------------------------------

money = st.decimals(min_value=0, max_value=999999, places=2)


@st.composite
def any_rules(draw) -> QualityRules:
    cuts = sorted(draw(st.sets(st.integers(1, 9999), max_size=2 * BAND_ROWS)))
    bands, i = [], 0
    while i + 1 < len(cuts) and len(bands) < BAND_ROWS:
        step = draw(st.sampled_from(["", "行政处分", "开除", "警告"]))
        bands.append(Band(cuts[i], cuts[i + 1], draw(money), step, draw(st.text(max_size=20))
                          .strip()))  # fmt: skip
        i += 2
    if bands and draw(st.booleans()):
        last = bands[-1]
        bands[-1] = Band(last.low, None, last.extra_fine, last.step, last.note)
    liable = draw(st.decimals(min_value=0, max_value=100, places=2))
    return QualityRules(
        draw(money), tuple(bands), draw(st.integers(1, 9999)), draw(st.integers(1, 9999)),
        liable / 100, (100 - liable) / 100,
    )  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(any_rules())
def test_any_rules_fill_the_form_and_read_back_the_same(rules):
    draft = rules_from_form(form_values(rules))
    assert draft.rules == rules
    assert len(draft.warnings) == len(gaps(rules))
