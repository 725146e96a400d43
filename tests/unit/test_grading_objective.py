"""score_item for single, tf, multi and fill items: every table row of grading-rules.md."""

from dataclasses import FrozenInstanceError
from decimal import Decimal as D

import pytest

from exam_app.grading import SCORERS, GradingError, Outcome, score_item

KEY_ACD = {"answers": ["A", "C", "D"]}
# grading-rules.md: "with weights A,C,D = 1/3 each, B = −1/2"; 1/3 as Moodle stores it.
WEIGHTED_ACD = {
    "answers": ["A", "C", "D"],
    "weights": {"A": "0.3333333", "B": "-0.5", "C": "0.3333333", "D": "0.3333333"},
}
TIME_LIMITS = {"blanks": [[["24小时", "1"]], [["7日", "1"], ["七日", "1"]]], "any_order": False}
TIME_LIMITS_WEIGHTED = {
    "blanks": [[["24小时", "1"]], [["7日", "1"], ["七日", "1"], ["一周", "0.5"]]],
    "any_order": False,
}


def score(kind, key, response, points="3", rule=None) -> D:
    return score_item(kind, key, response, D(points), rule).score


# --- 多选: the table in grading-rules.md, p = 3, K = {A, C, D} -------------------------------

RESPONSES = [["A", "C", "D"], ["A", "C"], ["A"], ["A", "B"], []]
MULTI_TABLE = [
    ("exact", KEY_ACD, ["3", "0", "0", "0", "0"]),
    ("half", KEY_ACD, ["3", "1.5", "1.5", "0", "0"]),
    ("per_option", KEY_ACD, ["3", "2", "1", "0", "0"]),
    ("weighted", WEIGHTED_ACD, ["3", "2", "1", "0", "0"]),
]


@pytest.mark.parametrize(
    ("rule", "key", "response", "expected"),
    [
        (rule, key, response, expected)
        for rule, key, row in MULTI_TABLE
        for response, expected in zip(RESPONSES, row, strict=True)
    ],
)
def test_multi_rules_table(rule, key, response, expected):
    outcome = score_item("multi", key, response, D(3), rule)
    assert outcome.score == D(expected)
    assert outcome.score.as_tuple().exponent == -2
    assert outcome.points == D(3)
    assert outcome.full is (expected == "3")


@pytest.mark.parametrize(
    ("response", "expected"),
    [(["A", "C", "D"], "3"), (["A", "C"], "2"), (["A"], "1"), (["A", "B"], "0"), (["B"], "0")],
)
def test_weighted_without_weights_derives_them(response, expected):
    # Derived weights: correct 1/|K|, wrong -1, so any wrong choice zeroes the item.
    assert score("multi", KEY_ACD, response, rule="weighted") == D(expected)


@pytest.mark.parametrize(
    ("weights", "response", "expected"),
    [
        ({"A": "0.5", "C": "0.5", "B": "-0.25"}, ["A", "B"], "0.75"),  # 0.5 - 0.25
        ({"A": "0.5", "C": "0.5", "B": "-0.25"}, ["A", "B", "C"], "2.25"),
        ({"A": "0.5", "C": "0.5", "B": "-1"}, ["A", "B", "C"], "0"),
        ({"A": "0.5", "C": "0.5"}, ["A", "B", "C"], "3"),  # B absent from weights weighs 0
        ({"A": "0.7", "C": "0.3"}, ["A"], "2.1"),
        ({"A": 0.7, "C": 0.3}, ["C"], "0.9"),  # JSON numbers are accepted too
    ],
)
def test_weighted_with_explicit_weights(weights, response, expected):
    key = {"answers": ["A", "C"], "weights": weights}
    assert score("multi", key, response, rule="weighted") == D(expected)


@pytest.mark.parametrize(
    "response",
    [
        "AC",
        "A,C",
        "a、c",
        "C A",
        " a ; c ",
        ("A", "C"),
        {"C", "A"},
        frozenset("AC"),
        ["C", "A", "A"],
    ],
)
def test_multi_response_forms(response):
    # per_option makes a partial answer visible: 2 of 3 options -> 2 points.
    assert score("multi", KEY_ACD, response, rule="per_option") == D(2)


@pytest.mark.parametrize("response", [None, "", "  ", [], (), set(), ["", None], {"A": 1}, 42])
@pytest.mark.parametrize("rule", ["exact", "half", "per_option", "weighted"])
def test_multi_unanswered_scores_zero(response, rule):
    key = WEIGHTED_ACD if rule == "weighted" else KEY_ACD
    assert score("multi", key, response, rule=rule) == D(0)


def test_multi_unknown_option_is_a_wrong_choice():
    assert score("multi", KEY_ACD, ["A", "C", "D", "E"], rule="half") == D(0)
    assert score("multi", KEY_ACD, ["A", "E"], rule="per_option") == D(0)


def test_multi_default_rule_is_exact():
    assert score("multi", KEY_ACD, ["A", "C"]) == D(0)
    assert score("multi", KEY_ACD, ["A", "C", "D"]) == D(3)


def test_half_rounds_half_up():
    # 0.05 / 2 = 0.025 -> 0.03 (banker's rounding would give 0.02).
    assert score("multi", KEY_ACD, ["A"], points="0.05", rule="half") == D("0.03")


def test_per_option_rounds_to_cents():
    assert score("multi", KEY_ACD, ["A"], points="1", rule="per_option") == D("0.33")
    assert score("multi", KEY_ACD, ["A", "C"], points="1", rule="per_option") == D("0.67")


# --- 单选 / 判断 --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("response", "expected"),
    [("B", "2.5"), ("b", "2.5"), (" B ", "2.5"), (["B"], "2.5"), ("A", "0"), ("BC", "0")]
    + [(unanswered, "0") for unanswered in (None, "", "  ", [], ["A", "B"], 3.5, object())],
)
def test_single(response, expected):
    assert score("single", {"answer": "B"}, response, points="2.5") == D(expected)


def test_single_numeric_labels():
    assert score("single", {"answer": "2"}, 2) == D(3)


TRUE_SPELLINGS = [True, "true", "TRUE", "T", "t", "正确", "对", "√", 1]
FALSE_SPELLINGS = [False, "false", "False", "F", "f", "错误", "错", "×", 0]
UNANSWERED_TF = [None, "", "  ", "maybe", 2, [], object()]


@pytest.mark.parametrize("response", TRUE_SPELLINGS)
def test_tf_true_spellings(response):
    assert score("tf", {"answer": True}, response) == D(3)
    assert score("tf", {"answer": False}, response) == D(0)


@pytest.mark.parametrize("response", FALSE_SPELLINGS)
def test_tf_false_spellings(response):
    assert score("tf", {"answer": False}, response) == D(3)
    assert score("tf", {"answer": True}, response) == D(0)


@pytest.mark.parametrize("response", UNANSWERED_TF)
@pytest.mark.parametrize("answer", [True, False])
def test_tf_unanswered_scores_zero(response, answer):
    assert score("tf", {"answer": answer}, response) == D(0)


# --- 填空 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        # The worked example: whitespace and a full-width digit are normalised away.
        (["24 小时", "７日"], "4"),
        (["24小时", "10日"], "2"),
        (["24小时", "七日"], "4"),
        (["10小时", "7日"], "2"),
        (["10小时", "10日"], "0"),
    ],
)
def test_fill_worked_example(response, expected):
    assert score("fill", TIME_LIMITS, response, points="4") == D(expected)


@pytest.mark.parametrize(
    ("rule", "response", "expected"),
    [
        ("per_blank", ["24小时", "一周"], "3"),  # 4 × (1 + 0.5) / 2
        ("per_blank", ["24小时", "7日"], "4"),
        ("per_blank", ["24 小时。", "一 周"], "3"),
        ("per_blank", ["25小时", "一周"], "1"),
        ("all_or_nothing", ["24小时", "一周"], "0"),
        ("all_or_nothing", ["24小时", "七日"], "4"),
        ("all_or_nothing", ["24小时", "10日"], "0"),
        (None, ["24小时", "一周"], "3"),  # per_blank is the default
    ],
)
def test_fill_weights_and_rules(rule, response, expected):
    assert score("fill", TIME_LIMITS_WEIGHTED, response, points="4", rule=rule) == D(expected)


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (["24小时"], "2"),  # a missing trailing blank counts as empty
        ("24小时", "2"),  # a bare string answers the first blank
        ([None, "7日"], "2"),
        (["", "7日"], "2"),
        (["24小时", "7日", "extra"], "4"),
        ([24, "7日"], "2"),  # "24" is not "24小时"
    ]
    + [(unanswered, "0") for unanswered in (None, "", [], (), ["", ""], [None, None], 5, {"a": 1})],
)
def test_fill_partial_and_unanswered(response, expected):
    assert score("fill", TIME_LIMITS, response, points="4") == D(expected)


LIST_TWO = {"blanks": [[["电话", "1"]], [["邮件", "1"], ["电子邮件", "1"]]], "any_order": True}


@pytest.mark.parametrize(
    ("key", "response", "expected"),
    [
        (LIST_TWO, ["邮件", "电话"], "4"),
        (LIST_TWO, ["电话", "电子邮件"], "4"),
        (LIST_TWO, ["电子邮件", "传真"], "2"),
        (LIST_TWO, ["电话", "电话"], "2"),  # each answer is used once
        ({**LIST_TWO, "any_order": False}, ["邮件", "电话"], "0"),
    ],
)
def test_fill_any_order(key, response, expected):
    assert score("fill", key, response, points="4") == D(expected)


def test_fill_any_order_finds_the_best_assignment_not_a_greedy_one():
    # Giving 甲 to the first blank (its first match) would leave 乙 unusable in the second.
    key = {"blanks": [[["甲", "1"], ["乙", "1"]], [["甲", "1"]]], "any_order": True}
    assert score("fill", key, ["甲", "乙"], points="4") == D(4)
    assert score("fill", key, ["甲", "乙"], points="4", rule="all_or_nothing") == D(4)


def test_fill_any_order_prefers_higher_weights():
    key = {
        "blanks": [[["甲", "1"], ["乙", "0.5"]], [["乙", "1"], ["甲", "0.25"]]],
        "any_order": True,
    }
    assert score("fill", key, ["乙", "甲"], points="4") == D(4)
    assert score("fill", key, ["乙", "丙"], points="4") == D(2)


def test_fill_any_order_does_not_count_a_repeated_answer_twice():
    key = {"blanks": [[["电话", "1"], ["短信", "1"]]] * 2, "any_order": True}
    assert score("fill", key, ["电话", "电话"], points="2") == D(1)
    assert score("fill", key, ["电话", " 电话。"], points="2") == D(1)
    assert score("fill", key, ["短信", "电话"], points="2") == D(2)


def test_fill_any_order_beyond_eight_blanks_grades_in_order():
    key = {"blanks": [[[str(n), "1"]] for n in range(9)], "any_order": True}
    assert score("fill", key, [str(n) for n in range(9)], points="9") == D(9)
    # Reversed, only the middle blank still matches in order.
    assert score("fill", key, [str(n) for n in reversed(range(9))], points="9") == D(1)
    key8 = {"blanks": [[[str(n), "1"]] for n in range(8)], "any_order": True}
    assert score("fill", key8, [str(n) for n in reversed(range(8))], points="8") == D(8)


@pytest.mark.parametrize(
    ("response", "expected"),
    [("标准答案", "2"), ("随便写的", "1"), ("  ", "0"), ("", "0"), (None, "0")],
)
def test_fill_wildcard_matches_any_non_empty_response(response, expected):
    key = {"blanks": [[["标准答案", "1"], ["*", "0.5"]]]}
    assert score("fill", key, [response], points="2") == D(expected)


def test_fill_star_inside_an_answer_is_literal():
    key = {"blanks": [[["2*3", "1"]]]}
    assert score("fill", key, ["2*3"], points="1") == D(1)
    assert score("fill", key, ["2x3"], points="1") == D(0)


def test_fill_bare_string_accepted_answer_weighs_one():
    assert score("fill", {"blanks": [["甲", "乙"]]}, ["乙"], points="1") == D(1)


def test_fill_per_blank_rounds_to_cents():
    key = {"blanks": [[["a", "1"]], [["b", "1"]], [["c", "1"]]]}
    assert score("fill", key, ["a"], points="1") == D("0.33")
    assert score("fill", key, ["a", "b"], points="1") == D("0.67")


def test_fill_normalises_both_sides():
    key = {"blanks": [[["ＶＩＰ 客户。", "1"]]]}
    assert score("fill", key, ["vip客户"], points="1") == D(1)


# --- errors --------------------------------------------------------------------------------------

BAD_KEYS = [
    ("single", {}),
    ("single", {"answer": ""}),
    ("single", {"answer": None}),
    ("single", None),
    ("single", ["B"]),
    ("tf", {}),
    ("tf", {"answer": "maybe"}),
    ("tf", {"answer": None}),
    ("multi", {}),
    ("multi", {"answers": []}),
    ("multi", {"answers": "AC"}),
    ("multi", {"answers": ["A", ""]}),
    ("multi", {"answers": ["A", None]}),
    ("multi", {"answers": ["A"], "weights": ["A"]}),
    ("multi", {"answers": ["A"], "weights": {"A": "abc"}}),
    ("multi", {"answers": ["A"], "weights": {"A": "2"}}),
    ("multi", {"answers": ["A"], "weights": {"A": True}}),
    ("multi", {"answers": ["A", "B"], "weights": {"A": "1", "B": "0"}}),
    ("multi", {"answers": ["A"], "weights": {"A": "1", "B": "0.5"}}),
    ("multi", {"answers": ["A", "B"], "weights": {"A": "0.5", "B": "0.4"}}),
    ("multi", {"answers": ["A", "B"], "weights": {"A": "0.5"}}),
    ("fill", {}),
    ("fill", {"blanks": []}),
    ("fill", {"blanks": "24小时"}),
    ("fill", {"blanks": [[]]}),
    ("fill", {"blanks": [[["x", "1.5"]]]}),
    ("fill", {"blanks": [[["x", "-0.5"]]]}),
    ("fill", {"blanks": [[["x", "abc"]]]}),
    ("fill", {"blanks": [[["", "1"]]]}),
    ("fill", {"blanks": [[["。", "1"]]]}),
    ("fill", {"blanks": [[["x", "0.5"]]]}),
    ("fill", {"blanks": [[["x", "1", "extra"]]]}),
    ("fill", {"blanks": [[[1, "1"]]]}),
    ("fill", {"blanks": [[["x", "1"]]], "any_order": "yes"}),
]


@pytest.mark.parametrize(("kind", "key"), BAD_KEYS)
def test_bad_keys_raise_grading_error_in_chinese(kind, key):
    rule = "weighted" if kind == "multi" else None
    with pytest.raises(GradingError) as caught:
        score_item(kind, key, None, D(1), rule)
    assert any("\u4e00" <= char <= "\u9fff" for char in str(caught.value))


@pytest.mark.parametrize(
    ("kind", "rule"),
    [
        ("multi", "per_blank"),
        ("multi", "all_or_nothing"),
        ("multi", "strict"),
        ("multi", ""),
        ("fill", "half"),
        ("fill", "exact"),
        ("fill", "loose"),
        ("single", "bogus"),
        ("tf", "bogus"),
        ("single", ["half"]),
        ("multi", ["half"]),
    ],
)
def test_unknown_rule_raises(kind, rule):
    key = {"single": {"answer": "A"}, "tf": {"answer": True}, "multi": KEY_ACD}.get(kind)
    with pytest.raises(GradingError, match="规则"):
        score_item(kind, key or TIME_LIMITS, None, D(1), rule)


def test_rule_error_lists_the_rules_of_the_kind():
    with pytest.raises(GradingError) as caught:
        score_item("multi", KEY_ACD, None, D(1), "per_blank")
    assert "少选得一半分" in str(caught.value) and "逐空给分" not in str(caught.value)


@pytest.mark.parametrize("rule", ["half", "per_blank"])
def test_section_rules_are_ignored_by_single_and_tf(rule):
    assert score("single", {"answer": "A"}, "A", rule=rule) == D(3)
    assert score("tf", {"answer": True}, "正确", rule=rule) == D(3)


@pytest.mark.parametrize("kind", ["matching", "", "SINGLE", None, ["single"]])
def test_unknown_kind_raises(kind):
    with pytest.raises(GradingError, match="未知的题型"):
        score_item(kind, {"answer": "A"}, "A", D(1))


def test_essay_is_not_auto_graded():
    with pytest.raises(GradingError, match="人工"):
        score_item("essay", {}, "我的回答", D(10))
    assert "essay" not in SCORERS


@pytest.mark.parametrize(
    "points", [D(-1), "-0.01", "abc", D("1.005"), True, None, D("NaN"), float("inf"), D("1E7")]
)
def test_bad_points_raise(points):
    with pytest.raises(GradingError, match="分值"):
        score_item("single", {"answer": "A"}, "A", points)


@pytest.mark.parametrize(
    ("points", "expected"),
    [("2", "2.00"), (2, "2.00"), (2.5, "2.50"), (D("1.50"), "1.50"), (D(0), "0.00")],
)
def test_points_in_other_forms(points, expected):
    outcome = score_item("single", {"answer": "A"}, "A", points)
    assert str(outcome.score) == expected
    assert str(outcome.points) == expected


def test_outcome_is_frozen_and_full_compares_values():
    outcome = Outcome(D("3"), D("3.00"))
    assert outcome.full
    assert not Outcome(D("2.99"), D(3)).full
    with pytest.raises(FrozenInstanceError):
        outcome.score = D(0)  # type: ignore[misc]


def test_zero_score_is_quantised():
    assert str(score_item("single", {"answer": "A"}, "B", D(3)).score) == "0.00"
