"""The result's items page draws what an item shows of its snapshot once per worker and
letters it in each candidate's own option order (web/result_html.py)."""

from __future__ import annotations

import re

from sqlalchemy import event, select

from exam_app.extensions import db
from exam_app.models import Attempt, AttemptItem
from exam_app.models.base import utcnow
from exam_app.services.attempts import start_attempt, submit
from exam_app.services.autosave import save_answer
from tests.factories import key_response, person
from tests.integration.test_result_page import _objective_paper, lead  # noqa: F401


def _page(make_client, username: str, attempt_id: int) -> tuple[str, list[str]]:
    web = make_client()
    web.login(username)
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        page = web.get(f"/exams/attempts/{attempt_id}/result/items").get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return page, statements


def _sat(paper, username: str, typed: str) -> Attempt:
    staff = person(username)
    attempt = start_attempt(paper, staff)
    for item in attempt.items:
        response = [typed] * len(item.snapshot["key"]["blanks"]) if item.kind == "fill" \
            else key_response(item.snapshot)  # fmt: skip
        save_answer(attempt, item.position, response, item.position)
    submit(attempt, utcnow())
    return attempt


def _single(attempt_id: int) -> AttemptItem:
    return db.session.scalar(
        select(AttemptItem).where(
            AttemptItem.attempt_id == attempt_id, AttemptItem.kind == "single"
        )
    )


def _shown_letter(page: str, item: AttemptItem) -> str:
    article = page[page.index(f'id="item-{item.position}"') :]
    return re.search(r"正确答案：</strong>([A-Z])</p>", article).group(1)


def test_each_candidate_sees_the_key_in_the_letters_of_their_own_order(lead, make_client):  # noqa: F811
    paper = _objective_paper(lead, shuffle_options=True)
    attempts, seen = [], set()
    for n in range(8):  # enough candidates for two orders to differ
        attempt = _sat(paper, f"s{n}", "甲")
        page, _ = _page(make_client, f"s{n}", attempt.id)
        item = _single(attempt.id)
        order = item.option_order or [o["label"] for o in item.snapshot["options"]]
        expected = chr(ord("A") + order.index(item.snapshot["key"]["answer"]))
        assert _shown_letter(page, item) == expected
        assert f"<strong>您的答案：</strong>{expected}</p>" in page  # answered by the key
        attempts.append(attempt)
        seen.add(tuple(order))
    assert len(seen) > 1


def test_the_second_page_reads_no_snapshot_and_what_was_typed_stays_typed(lead, make_client):  # noqa: F811
    paper = _objective_paper(lead)
    typed = '<script>alert("x")</script> & 甲'
    first, second = _sat(paper, "s1", typed), _sat(paper, "s2", typed)
    page, statements = _page(make_client, "s1", first.id)
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; 甲" in page
    assert "<script>alert" not in page
    page, statements = _page(make_client, "s2", second.id)
    assert "正确答案：" in page and "解析：" in page
    assert not [s for s in statements if "item_snapshots.content" in s], statements


def test_the_first_page_reads_the_snapshots_it_draws_in_one_statement(lead, make_client):  # noqa: F811
    from exam_app.web import result_html

    attempt = _sat(_objective_paper(lead), "s1", "甲")
    result_html.forget()
    page, statements = _page(make_client, "s1", attempt.id)
    assert "正确答案：" in page
    assert len([s for s in statements if "item_snapshots.content" in s]) == 1


def test_a_full_keep_is_emptied_and_the_page_still_drawn_whole(lead, make_client, monkeypatch):  # noqa: F811
    from exam_app.web import result_html

    attempt = _sat(_objective_paper(lead), "s1", "甲")
    monkeypatch.setattr(result_html, "KEPT", 2)  # fewer than the paper's items
    page, _ = _page(make_client, "s1", attempt.id)
    assert page.count('class="question result-item') == len(attempt.items)
