"""The reviewer's rubric form (#13): a running total kept by the page, and a total over the
item's full marks refused (by the page before sending, and by the server)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from exam_app.extensions import db
from exam_app.models import AttemptItem, Review, Role
from tests.factories import person
from tests.marking_fixtures import fresh, marking_paper, sit


@pytest.fixture
def answer(app):
    lead = person("lead", Role.LEAD, department="培训中心")
    staff = person("xiaoming", Role.STAFF, department="客服一部")
    person("alice", Role.REVIEWER, department="培训中心")
    return sit(marking_paper(lead), staff)


def _alice(make_client):
    web = make_client()
    web.login("alice")
    return web


def test_the_form_knows_the_full_marks_and_loads_the_running_total(answer, make_client):
    page = _alice(make_client).get(f"/review/items/{answer.id}").get_data(as_text=True)
    assert 'data-full-marks="10"' in page and "rubric.js" in page
    assert "data-rubric-sum" in page and "/ 10 分" in page


def test_a_total_over_the_items_full_marks_is_refused_by_the_server(answer, make_client):
    # Criteria worth 4 + 6 on an item that carries 8 (e.g. the paper gave it fewer points).
    item = fresh(AttemptItem, answer.id)
    item.points = Decimal(8)
    db.session.commit()
    web = _alice(make_client)
    web.post(f"/review/items/{answer.id}/claim")
    page = web.post(f"/review/items/{answer.id}", {"c-c1": "4", "c-c2": "5"}).get_data(as_text=True)
    assert "合计 9 分超过本题满分 8 分" in page
    assert db.session.scalar(select(func.count(Review.id))) == 0
    done = web.post(f"/review/items/{answer.id}", {"c-c1": "3", "c-c2": "5"})
    assert done.status_code == 302 and fresh(AttemptItem, answer.id).score == 8
