"""Compiled keys are cached by content: edits to a key and bad keys are never served stale."""

from collections import OrderedDict
from decimal import Decimal as D

import pytest

from exam_app.grading import GradingError, score_item


def test_an_edited_key_is_compiled_again():
    key = {"blanks": [[["甲", "1"]]]}
    assert score_item("fill", key, ["甲"], D(2)).score == D(2)
    key["blanks"][0][0][0] = "乙"
    assert score_item("fill", key, ["甲"], D(2)).score == D(0)
    assert score_item("fill", key, ["乙"], D(2)).score == D(2)


def test_an_edited_multi_key_is_compiled_again():
    key = {"answers": ["A", "B"], "weights": {"A": "0.5", "B": "0.5"}}
    assert score_item("multi", key, ["A"], D(2), "weighted").score == D(1)
    key["weights"] = {"A": "0.25", "B": "0.75"}
    assert score_item("multi", key, ["A"], D(2), "weighted").score == D("0.5")


def test_a_bad_key_keeps_failing():
    key = {"blanks": [[["甲", "0.5"]]]}
    for _ in range(3):
        with pytest.raises(GradingError):
            score_item("fill", key, ["甲"], D(2))


def test_equal_keys_in_other_containers_score_alike():
    # Tuples, Decimal weights and non-dict mappings: fingerprinted differently or not at all.
    keys = [
        {"blanks": [[["甲", "1"], ["乙", "0.5"]]]},
        {"blanks": ((("甲", "1"), ("乙", "0.5")),)},
        {"blanks": [[("甲", D(1)), ("乙", D("0.5"))]]},
        OrderedDict(blanks=[[["甲", "1"], ["乙", "0.5"]]]),
    ]
    for key in keys:
        assert score_item("fill", key, ["乙"], D(2)).score == D(1)
        assert score_item("fill", key, ["甲"], D(2)).score == D(2)


def test_list_and_bare_string_entries_are_told_apart():
    # ["甲"] is not a valid [text, weight] pair even though "甲" alone is.
    assert score_item("fill", {"blanks": [["甲"]]}, ["甲"], D(1)).full
    with pytest.raises(GradingError):
        score_item("fill", {"blanks": [[["甲"]]]}, ["甲"], D(1))
