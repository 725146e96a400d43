"""At the start of an exam every candidate of a paper sees the same page: after the first,
it comes whole from the worker's cache, on what the database sums up of the items (no row
of them read); an answered page, or another shape, is built from its own rows."""

from __future__ import annotations

import re

from sqlalchemy import event, select

from exam_app.extensions import db
from exam_app.models import Attempt, Role, User
from exam_app.services import attempt_layouts
from exam_app.web import attempt_html, question_html
from tests.factories import key_response, person
from tests.integration.test_taking import _objective_paper


def _view(web, attempt_id: int):
    url = f"/exams/attempts/{attempt_id}"
    statements: list[str] = []
    listener = lambda *args: statements.append(" ".join(args[2].split()))  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        page = web.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert page.status_code == 200
    return page.get_data(as_text=True), statements


def _sitting(make_client, paper, username):
    person(username, Role.STAFF)
    web = make_client()
    web.login(username)
    web.post(f"/exams/papers/{paper.id}/start")
    user_id = db.session.scalar(select(User.id).where(User.username == username))
    attempt = db.session.scalar(
        select(Attempt).where(Attempt.paper_id == paper.id, Attempt.user_id == user_id)
    )
    return web, attempt


def _reads_rows(statements: list[str]) -> bool:
    """Whether the item rows were read (not only summed up by the database)."""
    return any("FROM attempt_items" in s and "group_concat" not in s and "string_agg" not in s
               for s in statements)  # fmt: skip


def _questions(html: str) -> str:
    return html[html.index('<div id="attempt"') : html.index('<form method="post"')]


def test_the_second_page_at_the_start_reads_no_item_rows(app, make_client):
    paper = _objective_paper(person("lead", Role.LEAD))
    first, first_attempt = _sitting(make_client, paper, "a")
    second, second_attempt = _sitting(make_client, paper, "b")
    attempt_layouts.clear()  # a worker that has drawn no page yet (the starts drew theirs)
    question_html.forget_pages()
    html_a, built = _view(first, first_attempt.id)
    html_b, cached = _view(second, second_attempt.id)
    assert _reads_rows(built) and not _reads_rows(cached)
    assert len(cached) == 1  # who is signed in, the attempt and the summary of its items

    # The same questions, each page with its own attempt's addresses.
    def same(html, attempt_id):
        return (
            _questions(html)
            .replace(f"/{attempt_id}/", "/N/")
            .replace(f'/attempts/{attempt_id}"', '/attempts/N"')
            .replace(f'data-attempt="{attempt_id}"', 'data-attempt="N"')
        )

    assert same(html_a, first_attempt.id) == same(html_b, second_attempt.id)
    # The first save then reads the attempt's layout once: its answer is kept all the same.
    item = second_attempt.items[0]
    saved = second.post_json(f"/exams/attempts/{second_attempt.id}/answers",
                             {"position": item.position, "seq": 1,
                              "response": key_response(item.snapshot)})  # fmt: skip
    assert saved.json["saved"]
    html_b, statements = _view(second, second_attempt.id)
    assert _reads_rows(statements)
    checked = re.search(rf'<fieldset[^>]*id="q{item.position}".*?</fieldset>', html_b, re.S)[0]
    assert "checked" in checked  # answered: built from its rows, with the answer


def _navigator(html: str) -> str:
    return re.search(r'<nav class="navigator".*?</nav>', html, re.S)[0]


def _orders(attempt) -> list:
    return [item.option_order for item in sorted(attempt.items, key=lambda i: i.position)]


def test_a_page_with_shuffled_options_is_put_together_from_kept_items(app, make_client):
    """Options shuffled: each candidate's page differs, so the first one's is no use to the
    second; it is put together from what the worker keeps of each item (its version, its
    HTML by what is shown), without the rows read, and is the page the rows would give."""
    paper = _objective_paper(person("lead", Role.LEAD), shuffle_options=True)
    first, first_attempt = _sitting(make_client, paper, "a")
    for n in range(6):  # someone whose options came out in another order than a's
        second, second_attempt = _sitting(make_client, paper, f"b{n}")
        if _orders(second_attempt) != _orders(first_attempt):
            break
    assert _orders(second_attempt) != _orders(first_attempt)
    attempt_layouts.clear()
    question_html.forget_pages()
    _html_a, built = _view(first, first_attempt.id)  # reads a's rows, and the item versions
    assert _reads_rows(built)
    put_together, statements = _view(second, second_attempt.id)
    assert not _reads_rows(statements) and len(statements) == 1
    attempt_html._blocks.clear()  # the whole page again, now from the items' kept HTML
    again, statements = _view(second, second_attempt.id)
    assert not _reads_rows(statements)
    # The frame came a second time: kept, and the next page is its frame and b's orders.
    assert len(attempt_html._frames) == 1
    attempt_html._blocks.clear()
    framed, statements = _view(second, second_attempt.id)
    assert not _reads_rows(statements)
    attempt_layouts.clear()
    question_html.forget_pages()
    from_rows, statements = _view(second, second_attempt.id)
    assert _reads_rows(statements)
    assert _questions(put_together) == _questions(again) == _questions(from_rows)
    assert _questions(framed) == _questions(put_together)
    assert _navigator(framed) == _navigator(put_together) == _navigator(from_rows)
    # Each option where b's order puts it, lettered as b sees it.
    order = next(o for o in _orders(second_attempt) if o)
    shown = re.findall(r'value="([A-Z])"><span>([A-Z])\. ', _questions(put_together))
    assert [label for label, _letter in shown[: len(order)]] == order
    assert [letter for _label, letter in shown[: len(order)]] == list("ABCDEFG"[: len(order)])


def test_a_frame_serves_every_order_its_items_have(app, make_client):
    """Once a paper's frame is kept, each further candidate's page is the frame and their
    option orders: for several people, equal to the page their own rows give."""
    paper = _objective_paper(person("lead", Role.LEAD), shuffle_options=True)
    sittings = [_sitting(make_client, paper, f"p{n}") for n in range(6)]
    assert len({repr(_orders(attempt)) for _web, attempt in sittings}) > 1
    attempt_layouts.clear()
    question_html.forget_pages()
    # The first page from its rows (nothing kept yet), the second from the items then kept,
    # the third keeps the frame it sees a second time.
    for web, attempt in sittings[:3]:
        _view(web, attempt.id)
    assert len(attempt_html._frames) == 1
    for web, attempt in sittings[3:]:
        assert len(attempt_html._frames) == 1
        framed, statements = _view(web, attempt.id)
        assert not _reads_rows(statements)
        attempt_html._blocks.clear()
        attempt_html._frames.clear()
        question_html._unanswered.clear()
        attempt_html._by_outline.clear()
        attempt_layouts.clear()
        from_rows, statements = _view(web, attempt.id)
        assert _reads_rows(statements)
        assert _questions(framed) == _questions(from_rows)
        assert _navigator(framed) == _navigator(from_rows)
        question_html.forget_pages()
        for earlier, seen in sittings[:3]:
            _view(earlier, seen.id)
