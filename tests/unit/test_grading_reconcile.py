"""reconcile(): double marking, third reviewer and arbitration."""

from decimal import Decimal as D

import pytest

from exam_app.grading import GradingError, Reconciliation, reconcile


def marks(*values):
    return [D(str(value)) for value in values]


@pytest.mark.parametrize(
    ("given", "rule", "expected"),
    [
        # The worked examples of grading-rules.md, t = 2.
        (marks(8, 9), "average", Reconciliation(D("8.5"), None, (0, 1))),
        (marks(5, 9), "average", Reconciliation(None, "third", ())),
        (marks(5, 9, 8), "average", Reconciliation(D("8.5"), None, (1, 2))),
        (marks(4, 9), "average", Reconciliation(None, "third", ())),
        (marks(4, 9, 6.5), "average", Reconciliation(None, "arbitration", ())),
        # The "higher" rule applies to the first pair only; the third stage averages.
        (marks(8, 9), "higher", Reconciliation(D(9), None, (1,))),
        (marks(9, 8), "higher", Reconciliation(D(9), None, (0,))),
        (marks(8, 8), "higher", Reconciliation(D(8), None, (0,))),
        (marks(5, 9), "higher", Reconciliation(None, "third", ())),
        (marks(5, 9, 8), "higher", Reconciliation(D("8.5"), None, (1, 2))),
        (marks(4, 9, 6.5), "higher", Reconciliation(None, "arbitration", ())),
        # A difference equal to the tolerance is within it.
        (marks(7, 9), "average", Reconciliation(D(8), None, (0, 1))),
        (marks(7, 9.01), "average", Reconciliation(None, "third", ())),
        # The third mark pairs with whichever first mark is closer.
        (marks(3, 9, 4), "average", Reconciliation(D("3.5"), None, (0, 2))),
        (marks(3, 9, 5), "average", Reconciliation(D(4), None, (0, 2))),
        (marks(3, 9, 7), "average", Reconciliation(D(8), None, (1, 2))),
        # Equally close: the pair with the higher average.
        (marks(5, 9, 7), "average", Reconciliation(D(8), None, (1, 2))),
        (marks(9, 5, 7), "average", Reconciliation(D(8), None, (0, 2))),
        # A third mark recorded although the first two agreed: the first pair decides.
        (marks(8, 9, 2), "average", Reconciliation(D("8.5"), None, (0, 1))),
        # Single marking.
        (marks(7), "average", Reconciliation(D(7), None, (0,))),
        (marks(0), "higher", Reconciliation(D(0), None, (0,))),
        # Averages are rounded half up to cents.
        (marks(8.25, 8.5), "average", Reconciliation(D("8.38"), None, (0, 1))),
    ],
)
def test_reconcile(given, rule, expected):
    result = reconcile(given, D(2), rule)
    assert result == expected
    if result.final is not None:
        assert result.final.as_tuple().exponent == -2


def test_zero_tolerance():
    assert reconcile(marks(8, 8), D(0)).final == D(8)
    assert reconcile(marks(8, 8.5), D(0)).needs == "third"


@pytest.mark.parametrize(
    "given", [marks(4, 9, 6.5), marks(4, 9), marks(8, 9), [], marks(1, 2, 3, 4)]
)
def test_arbitration_is_final(given):
    assert reconcile(given, D(2), arbitration=D(7)) == Reconciliation(D(7), None, ())


def test_arbitration_is_rounded_and_checked():
    assert reconcile(marks(4, 9, 6.5), D(2), arbitration=D("6.125")).final == D("6.13")
    with pytest.raises(GradingError, match="仲裁分"):
        reconcile(marks(4, 9, 6.5), D(2), arbitration=D(-1))


def test_marks_given_as_strings_are_parsed():
    assert reconcile(["8", "9"], "2").final == D("8.5")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("given", "tolerance", "rule", "message"),
    [
        (marks(8, 9), D(2), "lowest", "双评规则"),
        (marks(8, 9), D(2), "", "双评规则"),
        ([], D(2), "average", "尚无评分"),
        (marks(1, 2, 3, 4), D(2), "average", "仲裁"),
        (marks(-1, 2), D(2), "average", "评分"),
        (["八", "9"], D(2), "average", "评分"),
        (marks(8, 9), D(-1), "average", "误差阈值"),
        (marks(8, 9), "two", "average", "误差阈值"),
    ],
)
def test_reconcile_errors(given, tolerance, rule, message):
    with pytest.raises(GradingError, match=message):
        reconcile(given, tolerance, rule)
