"""An unanswered item's HTML is kept once, cut where its position goes, and serves the item
at any position; an item whose texts hold the cut's marker is rendered each time."""

from __future__ import annotations

from decimal import Decimal

import pytest

from exam_app.web import question_html


def _view(position: int, stem: str = "峰谷分时电价的**谷段**是？", option: str = "23:00—7:00"):
    return {
        "position": position, "section_position": 1, "section_title": "一、单选题",
        "kind": "single", "kind_label": "单选题", "points": Decimal("2"), "stem": stem,
        "options": [{"letter": "A", "label": "B", "text": option},
                    {"letter": "B", "label": "A", "text": "8:00—11:00"}],
        "shown_key": ("k-" + stem + option, ("B", "A")), "blanks": 0, "case_title": None,
        "case_scenario": None, "response": None, "save_seq": 0, "flagged": False,
        "counted": True,
    }  # fmt: skip


@pytest.fixture(autouse=True)
def _cold():
    question_html.forget_pages()
    yield
    question_html.forget_pages()


@pytest.mark.parametrize("positions", [(3, 7), (1, 100), (12, 2)])
def test_one_kept_item_serves_every_position(positions):
    for position in positions:
        html = question_html.question_html(_view(position))
        assert html == question_html._render(_view(position), "take")
        assert f'id="q{position}"' in html and f'name="q{position}"' in html
        assert f"<strong>{position}.</strong>" in html
    assert len(question_html._unanswered) == 1


@pytest.mark.parametrize("where", ["label", "case_title"])
def test_a_text_holding_the_marker_is_rendered_as_it_is(where):
    # Markdown drops the marker from stems and options; a label or a case's title is only
    # escaped, which keeps it.
    def view(position):
        v = _view(position)
        if where == "label":
            v["options"][0]["label"] = "B\x00"
            v["shown_key"] = (v["shown_key"][0], ("B\x00", "A"))
        else:
            v["case_title"], v["case_scenario"] = "某小区\x00停电", "业主来电。"
        return v

    for position in (4, 9):
        html = question_html.question_html(view(position))
        assert html == question_html._render(view(position), "take")
        assert "\x00" in html


def test_an_answered_item_is_not_kept():
    answered = {**_view(5), "response": "B", "save_seq": 1}
    html = question_html.question_html(answered)
    assert "checked" in html and not question_html._unanswered


def _in_order(position: int, order: tuple[str, ...], kind: str = "multi"):
    texts = {"A": "按时缴费", "B": "<b>违约金</b>", "C": "a < b", "D": "峰谷分时"}
    view = _view(position)
    view["kind"], view["kind_label"] = kind, "多选题"
    view["options"] = [{"letter": chr(65 + n), "label": label, "text": texts[label]}
                       for n, label in enumerate(order)]  # fmt: skip
    view["shown_key"] = ("k-multi", order)
    return view


def test_one_kept_item_serves_every_option_order():
    orders = [
        ("A", "B", "C", "D"),
        ("D", "C", "B", "A"),
        ("B", "D", "A", "C"),
        ("C", "A", "D", "B"),
    ]
    for n, order in enumerate(orders * 2):
        view = _in_order(10 + n, order)
        assert question_html.question_html(view) == question_html._render(view, "take")
    assert len(question_html._unanswered) == 1
    html = question_html.question_html(_in_order(3, ("D", "C", "B", "A")))
    assert 'value="D"><span>A. 峰谷分时</span>' in html and "&lt;b&gt;违约金&lt;/b&gt;" not in html
    assert 'value="C"><span>B. a &lt; b</span>' in html


def test_whole_items_are_kept_for_a_bounded_number_of_orders(monkeypatch):
    monkeypatch.setattr(question_html, "_ALL_ORDERS_KEPT", 2)
    orders = [("A", "B", "C", "D"), ("D", "C", "B", "A"), ("B", "D", "A", "C")]
    for n, order in enumerate(orders * 2):
        view = _in_order(n + 1, order)
        assert question_html.question_html(view) == question_html._render(view, "take")
    (kept,) = question_html._unanswered.values()
    assert len(kept.by_order) == 2  # the third order is put together from its options
