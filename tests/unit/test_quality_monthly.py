"""客户服务质量考核办法 §4.2 on worked examples: fines, bands, the public list, 70/30."""

from __future__ import annotations

import json
from decimal import Decimal as D
from itertools import count

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exam_app.quality import QualityError
from exam_app.quality.monthly import (
    DEFAULT_RULES,
    Occurrence,
    monthly_summary,
    rules_from_mapping,
    rules_to_mapping,
)

SUPERVISOR = 90


def faults(person: int, *points: int, supervisor: int | None = SUPERVISOR) -> list[Occurrence]:
    """One occurrence per deduction, each of a different standard (so nothing repeats)."""
    ids = count(person * 100 + 1)
    return [
        Occurrence(next(ids), person, f"s-{i}", -p, supervisor, False)
        for i, p in enumerate(points, start=1)
    ]


def one(occurrences):
    summary = monthly_summary(occurrences)
    (person,) = summary.people
    return person, summary


@pytest.mark.parametrize(
    ("points", "fine", "extra", "step", "posted"),
    [
        pytest.param((2, 2), "20.00", "0.00", "", False, id="4-points"),
        pytest.param((2, 2, 1), "25.00", "20.00", "", True, id="5-points"),
        pytest.param((5, 5), "50.00", "20.00", "", True, id="10-points"),
        pytest.param((5, 5, 1), "55.00", "0.00", "行政处分", True, id="11-points"),
        pytest.param((5, 5, 5), "75.00", "0.00", "行政处分", True, id="15-points"),
        pytest.param((5, 5, 5, 1), "80.00", "0.00", "行政处分", True, id="16-points"),
        pytest.param((5, 5, 5, 2, 2), "95.00", "0.00", "行政处分", True, id="19-points"),
        pytest.param((5, 5, 5, 5), "100.00", "0.00", "开除", True, id="20-points"),
    ],
)
def test_worked_examples_of_the_monthly_thresholds(points, fine, extra, step, posted):
    person, summary = one(faults(1, *points))
    assert person.deducted == sum(points) and person.added == 0 and person.net == -sum(points)
    assert (person.point_fine, person.extra_fine, person.step) == (D(fine), D(extra), step)
    assert person.total_fine == D(fine) + D(extra)
    assert person.posted is posted and summary.supervisors == ()


def test_5_to_10_points_add_20_yuan_and_are_posted_for_the_points():
    person, _ = one(faults(1, 2, 2, 1))
    assert person.total_fine == D("45.00")
    assert person.post_reasons == ("当月扣分 5 分（≥5 分）",) and person.repeated_codes == ()


def test_16_to_19_points_are_treated_as_an_administrative_step_and_the_rules_say_so():
    band = DEFAULT_RULES.band_for(17)
    assert (band.low, band.high, band.step) == (16, 19, "行政处分")
    assert "未规定16~19分" in band.note
    assert DEFAULT_RULES.band_for(4) is None and DEFAULT_RULES.band_for(25).step == "开除"


def test_the_same_standard_three_times_is_posted_with_few_points_and_brings_in_the_supervisor():
    records = [Occurrence(n, 1, "gfyy-6-3", -1, SUPERVISOR, False) for n in (11, 12, 13)]
    person, summary = one(records)
    assert person.deducted == 3 and person.step == "" and person.extra_fine == D("0.00")
    assert person.posted and person.post_reasons == ("「gfyy-6-3」同一问题发生 3 次",)
    assert person.repeated_codes == ("gfyy-6-3",)
    (share,) = summary.supervisors
    assert (share.supervisor_id, share.person_id, share.record_ids) == (SUPERVISOR, 1, (11, 12, 13))
    assert share.fine == D("4.50") and person.point_fine == D("10.50")  # 15 元 split 70/30
    assert "一个月内发生 3 次，追究直属上司连带责任" in share.reason
    assert share.reason.endswith("按 70/30 原则，承担这 3 分罚款（15.00 元）的 30%")


def test_twice_the_same_standard_is_neither_posted_nor_shared():
    person, summary = one([Occurrence(n, 1, "gfyy-6-3", -1, SUPERVISOR, False) for n in (1, 2)])
    assert not person.posted and person.repeated_codes == () and summary.supervisors == ()


def test_a_record_where_the_supervisor_was_found_liable_is_split_70_30():
    records = [
        Occurrence(1, 1, "wykh-10", -2, SUPERVISOR, True),  # 10 元: 7 the person, 3 the supervisor
        Occurrence(2, 1, "wykh-14", -1, SUPERVISOR, False),  # 5 元, the person's alone
    ]
    person, summary = one(records)
    (share,) = summary.supervisors
    assert share.record_ids == (1,) and share.fine == D("3.00")
    assert person.point_fine == D("12.00") and person.total_fine == D("12.00")
    assert "经查实负有管理责任（记录 1）" in share.reason
    assert summary.total_fines == D("15.00")


def test_band_fines_and_steps_stay_with_the_person_when_the_supervisor_shares():
    records = [Occurrence(n, 1, "wykh-10", -5, SUPERVISOR, True) for n in (1, 2, 3)]
    person, summary = one(records)  # 15 points, all shared: 75 元 → 22.50 the supervisor
    assert summary.supervisors[0].fine == D("22.50")
    assert (person.point_fine, person.extra_fine, person.step) == (
        D("52.50"),
        D("0.00"),
        "行政处分",
    )


def test_the_band_extra_fine_is_not_split():
    records = faults(1, 2, 2) + [Occurrence(9, 1, "wykh-14", -1, SUPERVISOR, True)]
    person, summary = one(records)
    assert summary.supervisors[0].fine == D("1.50")
    assert (person.point_fine, person.extra_fine) == (D("23.50"), D("20.00"))


def test_bonuses_do_not_offset_deductions_for_fines_bands_or_posting():
    records = faults(1, 2, 2, 2) + [Occurrence(50, 1, "wykh-03a", 5, SUPERVISOR, False)]
    person, _ = one(records)
    assert (person.deducted, person.added, person.net) == (6, 5, -1)
    assert person.total_fine == D("50.00") and person.posted  # 30 + 20, as if no bonus
    assert person.records == (50, 101, 102, 103)  # every record of the month, by id


def test_bonuses_alone_bring_no_fine_and_repeated_bonuses_are_not_a_problem():
    records = [Occurrence(n, 1, "wykh-03a", 5, SUPERVISOR, True) for n in (1, 2, 3)]
    person, summary = one(records)
    assert (person.deducted, person.added, person.net) == (0, 15, 15)
    assert person.total_fine == D("0.00") and not person.posted and person.repeated_codes == ()
    assert summary.supervisors == ()


def test_a_share_due_without_a_recorded_supervisor_stays_with_the_person_and_is_flagged():
    records = [Occurrence(n, 1, "gfyy-6-3", -1, None, False) for n in (1, 2, 3)]
    person, summary = one(records)
    assert summary.supervisors == () and person.point_fine == D("15.00")
    assert person.supervisor_missing == (1, 2, 3)


def test_a_supervisor_who_changed_mid_month_shares_only_their_own_records():
    records = [
        Occurrence(1, 1, "gfyy-6-3", -1, 90, False),
        Occurrence(2, 1, "gfyy-6-3", -1, 91, False),
        Occurrence(3, 1, "gfyy-6-3", -1, 91, False),
    ]
    _, summary = one(records)
    assert [(s.supervisor_id, s.record_ids, s.fine) for s in summary.supervisors] == [
        (90, (1,), D("1.50")),
        (91, (2, 3), D("3.00")),
    ]


def test_people_are_sorted_and_only_the_posted_are_on_the_public_list():
    summary = monthly_summary(faults(3, 1) + faults(1, 5) + faults(2, 2))
    assert [p.person_id for p in summary.people] == [1, 2, 3]
    assert [p.person_id for p in summary.posted] == [1]


def test_titles_make_the_reasons_readable():
    records = [Occurrence(n, 1, "gfyy-6-3", -1, SUPERVISOR, False) for n in (1, 2, 3)]
    summary = monthly_summary(records, titles={"gfyy-6-3": "客户未挂机时直接挂机"})
    assert summary.people[0].post_reasons == (
        "「客户未挂机时直接挂机」（gfyy-6-3）同一问题发生 3 次",
    )


def test_an_empty_month_is_an_empty_summary():
    summary = monthly_summary([])
    assert summary.people == () and summary.supervisors == () and summary.total_fines == 0


@pytest.mark.parametrize("points", [0, True, 1.5])
def test_an_occurrence_without_whole_nonzero_points_is_refused(points):
    with pytest.raises(QualityError, match="记录 7 的分值应为非零整数"):
        monthly_summary([Occurrence(7, 1, "x", points, None, False)])


def test_a_record_given_twice_is_refused():
    with pytest.raises(QualityError, match="记录 7 重复出现"):
        monthly_summary([Occurrence(7, 1, "x", -1, None, False)] * 2)


# --- the rules as data -----------------------------------------------------------------------


def test_the_default_rules_are_the_documents():
    rules = DEFAULT_RULES
    assert (rules.yuan_per_point, rules.post_at_points, rules.repeat_times) == (D(5), 5, 3)
    assert (rules.liable_share, rules.supervisor_share) == (D("0.70"), D("0.30"))
    assert [(b.low, b.high, b.extra_fine, b.step) for b in rules.bands] == [
        (5, 10, D(20), ""),
        (11, 15, D(0), "行政处分"),
        (16, 19, D(0), "行政处分"),
        (20, None, D(0), "开除"),
    ]


def test_rules_survive_a_trip_through_json():
    stored = json.dumps(rules_to_mapping(DEFAULT_RULES), ensure_ascii=False)
    assert rules_from_mapping(json.loads(stored)) == DEFAULT_RULES
    assert '"yuan_per_point": "5"' in stored and '"liable_share": "0.7"' in stored


def test_a_company_with_other_thresholds_changes_the_data_not_the_code():
    data = rules_to_mapping(DEFAULT_RULES)
    data["yuan_per_point"] = "10"
    data["post_at_points"] = 8
    data["bands"] = [{"low": 3, "high": None, "extra_fine": "50", "step": "警告", "note": ""}]
    person = monthly_summary(faults(1, 2, 2), rules_from_mapping(data)).people[0]
    assert (person.point_fine, person.extra_fine, person.step) == (D("40.00"), D("50.00"), "警告")
    assert not person.posted


def test_shares_are_rounded_to_fen_and_the_person_pays_the_rest():
    data = rules_to_mapping(DEFAULT_RULES) | {"yuan_per_point": "3.33"}
    rules = rules_from_mapping(data)
    summary = monthly_summary([Occurrence(1, 1, "x", -1, SUPERVISOR, True)], rules)
    assert summary.supervisors[0].fine == D("1.00")  # 0.999
    assert summary.people[0].point_fine == D("2.33")
    assert summary.total_fines == D("3.33")


def _broken(**changes) -> str:
    data = rules_to_mapping(DEFAULT_RULES) | changes
    with pytest.raises(QualityError) as caught:
        rules_from_mapping(data)
    return str(caught.value)


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"yuan_per_point": "-1"}, "每分罚款应为不小于 0、最多两位小数的金额"),
        ({"yuan_per_point": 5.0}, "每分罚款应为"),
        ({"yuan_per_point": "1.234"}, "每分罚款应为"),
        ({"post_at_points": 0}, "公布张贴分数应为正整数"),
        ({"repeat_times": "3"}, "同一问题次数应为正整数"),
        ({"liable_share": "1.5"}, "责任人比例应为 0 到 1 之间的小数"),
        ({"supervisor_share": "0.4"}, "之和应为 1"),
        ({"bands": "5-10"}, "分档应为一个列表"),
        ({"bands": [{"low": 5, "high": 4, "extra_fine": "0", "step": ""}]}, "终点 4 小于起点 5"),
        ({"bands": [{"low": 5, "high": 10, "extra_fine": "0", "step": ""},
                    {"low": 10, "high": None, "extra_fine": "0", "step": ""}]}, "5~10 分 与 10 分以上 重叠"),
        ({"bands": [{"low": 5, "high": None, "extra_fine": "0", "step": ""},
                    {"low": 30, "high": None, "extra_fine": "0", "step": ""}]}, "重叠"),
        ({"bands": [{"low": 5, "high": 10, "extra_fine": "0"}]}, "第 1 档缺少“处理”"),
        ({"bands": [{"low": 5, "high": 10, "extra_fine": "0", "step": "", "x": 1}]}, "第 1 档中有未知项“x”"),
        ({"bands": [7]}, "第 1 档应为一组"),
        ({"fine": 1}, "考核规则中有未知项“fine”"),
    ],
)  # fmt: skip
def test_bad_stored_rules_are_refused_in_chinese(changes, fragment):
    assert fragment in _broken(**changes)


def test_a_missing_rule_is_named_and_all_problems_come_at_once():
    data = rules_to_mapping(DEFAULT_RULES)
    del data["repeat_times"]
    data["post_at_points"] = -1
    with pytest.raises(QualityError) as caught:
        rules_from_mapping(data)
    assert "缺少“同一问题次数”（repeat_times）" in str(caught.value)
    assert "公布张贴分数应为正整数" in str(caught.value)


def test_rules_that_are_not_a_mapping_are_refused():
    with pytest.raises(QualityError, match="考核规则应为"):
        rules_from_mapping(["5"])  # type: ignore[arg-type]


# --- properties over any month ---------------------------------------------------------------

occurrence_rows = st.lists(
    st.tuples(
        st.integers(1, 4),  # person
        st.sampled_from(["a", "b", "c"]),  # standard
        st.sampled_from([-5, -2, -1, 5]),
        st.sampled_from([None, 90, 91]),
        st.booleans(),
    ),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(occurrence_rows)
def test_any_month_keeps_the_rules(rows):
    records = [Occurrence(n, *row) for n, row in enumerate(rows, start=1)]
    summary = monthly_summary(records)
    deducted = -sum(o.points for o in records if o.points < 0)
    # Splitting never loses or invents a fen: all point fines add up to 5 元 a point.
    point_fines = sum(p.point_fine for p in summary.people) + sum(
        s.fine for s in summary.supervisors
    )
    assert point_fines == deducted * 5
    for person in summary.people:
        mine = [o for o in records if o.person_id == person.person_id and o.points < 0]
        times = {c: sum(1 for o in mine if o.standard_code == c) for c in "abc"}
        assert person.posted == (person.deducted >= 5 or max(times.values()) >= 3)
        assert person.repeated_codes == tuple(c for c in "abc" if times[c] >= 3)
        assert person.extra_fine == (D(20) if 5 <= person.deducted <= 10 else 0)
        shared = sum(s.fine for s in summary.supervisors if s.person_id == person.person_id)
        assert shared <= person.deducted * D("1.5")  # at most 30 % of 5 元 a point
    for share in summary.supervisors:
        assert share.fine > 0 and share.reason


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 40), st.integers(0, 40))
def test_more_points_never_bring_a_milder_step(low, high):
    order = ["", "行政处分", "开除"]
    low, high = sorted((low, high))

    def step(points: int) -> str:
        band = DEFAULT_RULES.band_for(points)
        return band.step if band else ""

    assert order.index(step(low)) <= order.index(step(high))
