"""normalise(): the fill-in comparison form described in grading-rules.md."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exam_app.grading import normalise


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # NFKC: full-width digits, letters and punctuation become half-width.
        ("２４小时", "24小时"),
        ("７日", "7日"),
        ("ＡＢＣ", "abc"),
        ("（一）", "(一)"),
        ("ｶﾀｶﾅ", "カタカナ"),
        ("①", "1"),
        # Trimming, including full-width spaces (全角空格).
        ("  答案  ", "答案"),
        ("\u3000答案\u3000", "答案"),
        ("\t答案\n", "答案"),
        # Whitespace next to a CJK character disappears, elsewhere runs collapse to one space.
        ("24 小时", "24小时"),
        ("24\u3000小时", "24小时"),
        ("七 日", "七日"),
        ("客户  服务 中心", "客户服务中心"),
        ("VIP 客户", "vip客户"),
        ("客户 VIP", "客户vip"),
        ("hello   world", "hello world"),
        ("hello\t\nworld", "hello world"),
        ("hello\u3000world", "hello world"),
        ("a 、 b", "a、b"),
        # Case folding.
        ("ABC", "abc"),
        ("AbC dEf", "abc def"),
        ("Straße", "strasse"),
        # ONE trailing 。 or . is dropped, and only at the end.
        ("答案。", "答案"),
        ("答案。。", "答案。"),
        ("answer.", "answer"),
        ("answer..", "answer."),
        ("ＡＢＣ．", "abc"),
        ("答案｡", "答案"),
        ("abc .", "abc"),
        ("答案 。", "答案"),
        ("答案。 ", "答案"),
        ("3.14", "3.14"),
        ("。答案", "。答案"),
        ("答案!", "答案!"),
        # Copy-paste invisibles.
        ("\u200b答案\ufeff", "答案"),
        # Nothing left.
        ("", ""),
        ("   ", ""),
        ("。", ""),
    ],
)
def test_normalise(text, expected):
    assert normalise(text) == expected


@given(st.text())
def test_normalised_text_has_no_stray_whitespace(text):
    result = normalise(text)
    assert result == result.strip()
    assert "  " not in result
    assert not any(char.isspace() and char != " " for char in result)
    assert not any("A" <= char <= "Z" for char in result)


@given(st.text(alphabet="abcXYZ 中文。.　１２", max_size=12))
def test_normalise_treats_equal_answers_alike(text):
    # Adding outer spaces or upper-casing never changes the comparison form.
    assert normalise(f"  {text.upper()}\u3000") == normalise(text.upper())
    assert normalise(text.upper()) == normalise(text.lower())
