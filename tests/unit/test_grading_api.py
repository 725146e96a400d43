"""The public contract of exam_app.grading, and that it stays pure standard library."""

import ast
import sys
from decimal import Decimal as D
from pathlib import Path

import pytest

import exam_app.grading as grading
from exam_app.grading import (
    AUTO_KINDS,
    FILL_RULES,
    KIND_LABELS,
    MULTI_RULES,
    SCORERS,
    GradingError,
    validate_key,
)

PACKAGE = Path(grading.__file__).parent


def test_labels():
    assert KIND_LABELS == {
        "single": "单选",
        "multi": "多选",
        "tf": "判断",
        "fill": "填空",
        "essay": "简答",
    }
    assert MULTI_RULES["exact"] == "少选不得分"
    assert MULTI_RULES["half"] == "少选得一半分"
    assert MULTI_RULES["per_option"] == "少选按选项得分"
    assert set(MULTI_RULES) == {"exact", "half", "per_option", "weighted"}
    assert FILL_RULES == {"per_blank": "逐空给分", "all_or_nothing": "全对才得分"}


def test_auto_kinds_are_the_scorers():
    assert frozenset({"single", "multi", "tf", "fill"}) == AUTO_KINDS
    assert isinstance(AUTO_KINDS, frozenset)
    assert set(SCORERS) == AUTO_KINDS


def test_everything_in_all_is_exported():
    for name in grading.__all__:
        assert hasattr(grading, name), name


def test_errors_are_value_errors():
    assert issubclass(GradingError, ValueError)
    assert issubclass(grading.RubricError, ValueError)


@pytest.mark.parametrize("module", sorted(PACKAGE.glob("*.py")), ids=lambda path: path.name)
def test_imports_only_the_standard_library(module):
    tree = ast.parse(module.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: inside the package
                continue
            names = [node.module or ""]
        else:
            continue
        for name in names:
            assert name.split(".")[0] in sys.stdlib_module_names, f"{module.name} imports {name}"


@pytest.mark.parametrize(
    ("kind", "key", "rule"),
    [
        ("single", {"answer": "A"}, None),
        ("tf", {"answer": False}, None),
        ("multi", {"answers": ["A", "B"]}, "half"),
        ("multi", {"answers": ["A"], "weights": {"A": "1", "B": "-1"}}, "weighted"),
        ("fill", {"blanks": [[["x", "1"]]], "any_order": True}, "all_or_nothing"),
        ("essay", {}, None),
    ],
)
def test_validate_key_accepts_good_keys(kind, key, rule):
    validate_key(kind, key, rule)


@pytest.mark.parametrize(
    ("kind", "key", "rule"),
    [
        ("single", {}, None),
        ("tf", {"answer": "?"}, None),
        ("multi", {"answers": ["A"], "weights": {"A": "0.5"}}, None),
        ("multi", {"answers": ["A"]}, "per_blank"),
        ("fill", {"blanks": [[["x", "0.5"]]]}, None),
        ("fill", {"blanks": [[["x", "1"]]], "any_order": 1}, None),
        ("nope", {}, None),
    ],
)
def test_validate_key_refuses_bad_keys(kind, key, rule):
    with pytest.raises(GradingError):
        validate_key(kind, key, rule)


def test_keys_are_not_modified():
    key = {"answers": ["a", "c"], "weights": {"a": "0.5", "c": "0.5"}}
    snapshot = repr(key)
    grading.score_item("multi", key, ["A"], D(2), "weighted")
    assert repr(key) == snapshot
