"""Property-based checks: every score is within [0, points], in cents, and full for the key."""

from decimal import Decimal as D

from hypothesis import assume, example, given
from hypothesis import strategies as st

from exam_app.grading import (
    FILL_RULES,
    MULTI_RULES,
    SCORERS,
    Criterion,
    item_statistics,
    reconcile,
    rubric_total,
    score_item,
)

OPTIONS = "ABCDEFG"
WORDS = [
    "24小时",
    "七日",
    "电话",
    "邮件",
    "VIP",
    "客户服务",
    "12345",
    "ＡＢＣ",
    "a b",
    "答案。",
    "*",
]

points = st.integers(min_value=0, max_value=100_000).map(lambda cents: D(cents).scaleb(-2))
# Anything a form, a JSON body or a bug could hand over as a response.
junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.text(max_size=8),
    st.lists(st.one_of(st.none(), st.text(max_size=4), st.integers(0, 9)), max_size=5),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
)


def assert_in_range(outcome, maximum):
    assert D(0) <= outcome.score <= maximum
    assert outcome.score == outcome.score.quantize(D("0.01"))
    assert outcome.points == maximum


# --- single / tf ----------------------------------------------------------------------------------


@given(st.sampled_from(OPTIONS), st.one_of(junk, st.sampled_from(OPTIONS)), points)
def test_single_in_range(answer, response, maximum):
    assert_in_range(score_item("single", {"answer": answer}, response, maximum), maximum)


@given(st.sampled_from(OPTIONS), points)
def test_single_key_scores_full(answer, maximum):
    assert score_item("single", {"answer": answer}, answer, maximum).score == maximum


@given(st.booleans(), st.one_of(junk, st.sampled_from(["T", "F", "正确", "错误"])), points)
def test_tf_in_range(answer, response, maximum):
    assert_in_range(score_item("tf", {"answer": answer}, response, maximum), maximum)


@given(st.booleans(), points)
def test_tf_key_scores_full(answer, maximum):
    assert score_item("tf", {"answer": answer}, answer, maximum).full


# --- multi ----------------------------------------------------------------------------------------


@st.composite
def multi_keys(draw):
    answers = draw(st.lists(st.sampled_from(OPTIONS), min_size=1, max_size=5, unique=True))
    key = {"answers": answers}
    if draw(st.booleans()):
        # Positive shares for the correct options adding up to 1 (to 7 places, like Moodle).
        shares = draw(st.lists(st.integers(1, 9), min_size=len(answers), max_size=len(answers)))
        weights = {
            option: str((D(share) / sum(shares)).quantize(D("0.0000001")))
            for option, share in zip(answers, shares, strict=True)
        }
        for option in OPTIONS:
            if option not in answers and draw(st.booleans()):
                weights[option] = str(-D(draw(st.integers(0, 100))) / 100)
        key["weights"] = weights
    return key


multi_responses = st.one_of(
    junk,
    st.sets(st.sampled_from(OPTIONS)),
    st.lists(st.sampled_from(OPTIONS + "abz")).map("".join),
    st.lists(st.sampled_from(OPTIONS)).map(",".join),
)


@given(multi_keys(), multi_responses, points, st.sampled_from(sorted(MULTI_RULES)))
@example({"answers": ["A"], "weights": {"A": "1", "B": "-1"}}, ["B"], D(2), "weighted")
def test_multi_in_range(key, response, maximum, rule):
    assert_in_range(score_item("multi", key, response, maximum, rule), maximum)
    # The registry's scorers promise a fraction of the points, before score_item clamps.
    assert D(0) <= SCORERS["multi"](key, response, rule) <= D(1)


@given(multi_keys(), points, st.sampled_from([*sorted(MULTI_RULES), None]), st.randoms())
def test_multi_key_scores_full(key, maximum, rule, random):
    response = list(key["answers"])
    random.shuffle(response)
    assert score_item("multi", key, response, maximum, rule).score == maximum
    assert score_item("multi", key, "".join(response).lower(), maximum, rule).full


@given(multi_keys(), st.sets(st.sampled_from(OPTIONS)), points)
def test_exact_is_the_strictest_rule(key, chosen, maximum):
    # half and per_option differ in order (one of four options: p/2 against p/4), but both
    # give at least what exact gives.
    scores = {
        rule: score_item("multi", key, chosen, maximum, rule).score
        for rule in ("exact", "half", "per_option")
    }
    assert scores["exact"] <= scores["half"]
    assert scores["exact"] <= scores["per_option"]


# --- fill -----------------------------------------------------------------------------------------


@st.composite
def fill_keys(draw):
    count = draw(st.integers(1, 10))
    any_order = draw(st.booleans())
    words = draw(
        st.lists(st.sampled_from(WORDS[:-1]), min_size=count, max_size=count, unique=any_order)
    )
    blanks = []
    for word in words:
        # Each blank has one fully right answer first, then optional partial ones.
        extra = draw(
            st.lists(
                st.tuples(st.sampled_from(WORDS), st.sampled_from(["0", "0.25", "0.5", "1"])),
                max_size=3,
            )
        )
        if any_order:
            # Keep the fully right answers unique across blanks so that the key is one response.
            extra = [(text, weight) for text, weight in extra if text not in words]
        blanks.append([[word, "1"], *[list(pair) for pair in extra]])
    return {"blanks": blanks, "any_order": any_order}


fill_responses = st.one_of(
    junk,
    st.lists(st.one_of(st.none(), st.sampled_from(WORDS), st.text(max_size=5)), max_size=12),
)


@given(fill_keys(), fill_responses, points, st.sampled_from(sorted(FILL_RULES)))
def test_fill_in_range(key, response, maximum, rule):
    assert_in_range(score_item("fill", key, response, maximum, rule), maximum)
    assert D(0) <= SCORERS["fill"](key, response, rule) <= D(1)


@given(fill_keys(), points, st.sampled_from([*sorted(FILL_RULES), None]), st.randoms())
def test_fill_key_scores_full(key, maximum, rule, random):
    response = [blank[0][0] for blank in key["blanks"]]
    assert score_item("fill", key, response, maximum, rule).score == maximum
    if key["any_order"] and len(response) <= 8:
        random.shuffle(response)
        assert score_item("fill", key, response, maximum, rule).full


@given(fill_keys(), fill_responses, points)
def test_all_or_nothing_never_beats_per_blank(key, response, maximum):
    strict = score_item("fill", key, response, maximum, "all_or_nothing").score
    assert strict in (D(0), maximum)
    assert strict <= score_item("fill", key, response, maximum, "per_blank").score


# --- rubric, double marking, statistics -----------------------------------------------------------


@given(st.lists(st.tuples(st.integers(0, 20), st.integers(0, 40)), min_size=1, max_size=6))
def test_rubric_total_is_the_sum(rows):
    # rows: (max in whole points, mark in half points), clamped into range.
    criteria = [Criterion(str(n), f"项{n}", D(top)) for n, (top, _) in enumerate(rows)]
    given_marks = {str(n): min(D(half) / 2, D(top)) for n, (top, half) in enumerate(rows)}
    assert rubric_total(criteria, given_marks) == sum(given_marks.values())


mark = st.integers(0, 200).map(lambda halves: D(halves) / 2)


@given(
    st.lists(mark, min_size=1, max_size=3),
    st.integers(0, 10).map(D),
    st.sampled_from(["average", "higher"]),
)
def test_reconciled_mark_lies_between_the_marks(marks, tolerance, rule):
    result = reconcile(marks, tolerance, rule)
    assert (result.final is None) == (result.needs is not None)
    if result.final is not None:
        rested = [marks[index] for index in result.basis]
        assert min(rested) <= result.final <= max(rested)
        assert all(abs(a - b) <= tolerance for a in rested for b in rested)
    if len(marks) == 2 and abs(marks[0] - marks[1]) > tolerance:
        assert result.needs == "third"


@given(
    st.integers(1, 5).flatmap(
        lambda items: st.lists(
            st.lists(st.integers(0, 3), min_size=items, max_size=items), max_size=12
        )
    )
)
def test_statistics_are_percentages(rows):
    assume(rows)
    for stats in item_statistics(rows, [3] * len(rows[0])):
        assert 0 <= stats.facility <= 100
        if stats.discrimination is not None:
            assert -100 <= stats.discrimination <= 100
            # E divides the same covariance by a smaller one (Cauchy-Schwarz): |E| >= |D|.
            assert stats.efficiency is not None
            assert abs(stats.efficiency) >= abs(stats.discrimination)
            assert stats.efficiency * stats.discrimination >= 0
        else:
            assert stats.flagged
