"""The lead's marking pages: progress per paper and reviewer, reassigning work, consistency."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from exam_app.extensions import db
from exam_app.models import MarkingTask, Role, User
from exam_app.models.base import utcnow
from exam_app.services.claims import claim, queue
from exam_app.services.reviews import record_review
from tests.factories import person
from tests.marking_fixtures import marking_paper, marks, sit


@pytest.fixture
def lead_web(app, make_client):
    person("lead", Role.LEAD, department="培训中心")
    for name in ("ann", "ben", "cai"):
        person(name, Role.REVIEWER, department="培训中心")
    web = make_client()
    web.login("lead")
    return web


def _user(username) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def _task(item, slot=1) -> MarkingTask:
    db.session.expire_all()
    return db.session.scalar(
        select(MarkingTask).where(MarkingTask.attempt_item_id == item.id, MarkingTask.slot == slot)
    )


def test_progress_per_paper_question_and_reviewer(lead_web):
    paper = marking_paper(_user("lead"), double=True)
    items = [sit(paper, person(f"s{n}", Role.STAFF)) for n in range(3)]
    now = utcnow()
    record_review(items[0], _user("ann"), marks(8))
    record_review(items[0], _user("ben"), marks(9))
    claim(items[1], _user("cai"), now)
    overview = lead_web.get("/marking/").get_data(as_text=True)
    assert "阅卷测试卷" in overview
    assert "已评 2 / 6 · 领取中 1 · 未领取 3" in overview
    assert "待阅卷 2 · 已评待公布 0 · 已公布 1" in overview
    page = lead_web.get(f"/marking/papers/{paper.id}").get_data(as_text=True)
    assert re.search(r"marking-test-essay</td><td>2 / 6</td><td>1</td>\s*<td>3</td>", page)
    assert "测试ann（ann）</td><td>1</td><td>0</td>" in page
    assert "测试cai（cai）</td><td>0</td><td>1</td>" in page
    assert "测试cai（领取至" in page


def test_the_lead_releases_a_claim_and_assigns_the_mark(lead_web, make_client):
    paper = marking_paper(_user("lead"))
    item = sit(paper, person("s1", Role.STAFF))
    now = utcnow()
    claim(item, _user("ann"), now)
    task = _task(item)
    r = lead_web.post(f"/marking/tasks/{task.id}/release", follow_redirects=True)
    assert "已释放" in r.get_data(as_text=True)
    assert _task(item).holder_id is None

    r = lead_web.post(f"/marking/tasks/{task.id}/assign", {"reviewer": _user("ben").id},
                      follow_redirects=True)  # fmt: skip
    assert "已分配给测试ben" in r.get_data(as_text=True)
    assigned = _task(item)
    assert (assigned.holder_id, assigned.expires_at) == (_user("ben").id, None)
    # An assignment does not run out; others no longer see the answer, Ben sees it as his.
    later = now + timedelta(days=2)
    assert queue(_user("ann"), later) == []
    (row,) = queue(_user("ben"), later)
    assert row.mine and row.assigned
    ben = make_client()
    ben.login("ben")
    assert "培训负责人分配" in ben.get("/review/").get_data(as_text=True)


def test_assigning_refuses_the_candidate_and_the_other_marker(lead_web):
    paper = marking_paper(_user("lead"), double=True)
    both = person("both", Role.REVIEWER, Role.STAFF)
    item = sit(paper, both)
    r = lead_web.post(f"/marking/tasks/{_task(item).id}/assign", {"reviewer": both.id},
                      follow_redirects=True)  # fmt: skip
    assert "阅卷人：不能把测试both自己的答卷分配给本人评阅" in r.get_data(as_text=True)
    claim(item, _user("ann"), utcnow())
    r = lead_web.post(f"/marking/tasks/{_task(item, 2).id}/assign", {"reviewer": _user("ann").id},
                      follow_redirects=True)  # fmt: skip
    assert "双评须由不同的人评阅" in r.get_data(as_text=True)
    assert _task(item, 2).holder_id is None
    r = lead_web.post(f"/marking/tasks/{_task(item, 2).id}/assign", {"reviewer": ""},
                      follow_redirects=True)  # fmt: skip
    assert "阅卷人：" in r.get_data(as_text=True)


def _mark_answers(paper, n, start):
    """n answers, each double marked: Ann strict (4), Ben lenient (9), Cai third (6)."""
    for k in range(start, start + n):
        item = sit(paper, person(f"s{k}", Role.STAFF))
        record_review(item, _user("ann"), marks(4))
        record_review(item, _user("ben"), marks(9))
        record_review(item, _user("cai"), marks(6))


@contextmanager
def _counting():
    statements = []

    def count(*args):
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_consistency_per_reviewer_in_a_fixed_number_of_queries(lead_web):
    paper = marking_paper(_user("lead"), double=True)
    _mark_answers(paper, 1, 0)
    with _counting() as few:
        page = lead_web.get(f"/marking/consistency?paper={paper.id}").get_data(as_text=True)
    # Ann 40 %, Ben 90 %, Cai 60 % on the same question; every pair disagreed (4 vs 9, t = 2).
    assert re.search(r"测试ann</td><td>1</td><td>40.00%</td><td>—</td>\s*<td>75.00%</td>", page)
    for offset in ("-35.00", "+40.00", "-5.00"):  # against the others' 75, 50 and 65
        assert f"<td>{offset}</td>" in page
    assert page.count("<td>1</td><td>1</td><td>100.00%</td>") == 2  # Ann and Ben
    _mark_answers(paper, 3, 1)
    with _counting() as many:
        lead_web.get(f"/marking/consistency?paper={paper.id}")
    with _counting() as overview:
        lead_web.get(f"/marking/papers/{paper.id}")
    _mark_answers(paper, 2, 4)
    with _counting() as more:
        lead_web.get(f"/marking/papers/{paper.id}")
    assert len(few) == len(many)
    assert len(overview) == len(more)
