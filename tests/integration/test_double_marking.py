"""Double marking with the worked examples of grading-rules.md (t = 2): agreement, a third
marker, the lead's arbitration; every review kept, every decision in the score history."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from exam_app.extensions import db
from exam_app.models import (
    AttemptItem,
    MarkingTask,
    QuarterResult,
    Review,
    Role,
    ScoreEvent,
)
from exam_app.models.base import utcnow
from exam_app.services import ServiceError
from exam_app.services.claims import claim, queue
from exam_app.services.results import item_feedback
from exam_app.services.reviews import record_review
from tests.factories import person
from tests.marking_fixtures import attempt_of, fresh, marking_paper, marks, sit


@pytest.fixture
def people(app):
    lead = person("lead", Role.LEAD, department="培训中心")
    reviewers = [person(n, Role.REVIEWER, department="培训中心") for n in ("ann", "ben", "cai")]
    return lead, reviewers


def _doubly_marked(people, **settings) -> AttemptItem:
    lead, _ = people
    return sit(marking_paper(lead, double=True, **settings), person("xiaoming", Role.STAFF))


def _events(item) -> list[ScoreEvent]:
    return list(db.session.scalars(
        select(ScoreEvent).where(ScoreEvent.attempt_item_id == item.id).order_by(ScoreEvent.id)
    ))  # fmt: skip


def _reviews(item) -> list[Review]:
    return list(db.session.scalars(
        select(Review).where(Review.attempt_item_id == item.id).order_by(Review.id)
    ))  # fmt: skip


def _tasks(item) -> list[tuple[int, str, str]]:
    rows = db.session.scalars(
        select(MarkingTask).where(MarkingTask.attempt_item_id == item.id).order_by(MarkingTask.slot)
    )
    return [(t.slot, t.kind, t.status) for t in rows]


def test_two_marks_within_tolerance_are_averaged(people):
    ann, ben, _ = people[1]
    item = _doubly_marked(people)
    assert _tasks(item) == [(1, "mark", "open"), (2, "mark", "open")]
    record_review(item, ann, marks(8), "事实清楚")
    item = fresh(AttemptItem, item.id)
    assert item.needs_review and item.score is None and _events(item) == []
    record_review(item, ben, marks(9), "依据充分")
    item = fresh(AttemptItem, item.id)
    assert item.score == Decimal("8.5") and not item.needs_review
    (event,) = _events(item)
    assert (event.source, event.actor_id) == ("reconcile", None)
    assert event.reason == "双评：一评 8、二评 9，相差 1，未超过阈值 2，取平均分 8.5 分"
    assert [(r.reviewer_id, r.total, r.counted) for r in _reviews(item)] == [
        (ann.id, Decimal(8), True), (ben.id, Decimal(9), True)
    ]  # fmt: skip
    # Auto release: the staff file has it; the candidate sees the averaged criteria.
    assert attempt_of(item).status == "released"
    assert db.session.scalar(select(QuarterResult.total)) == Decimal("8.5")
    feedback = item_feedback(attempt_of(item))[item.id]
    assert feedback.criteria == {"c1": "4", "c2": "4.5"}
    assert feedback.comments == ["事实清楚", "依据充分"]


def test_the_higher_rule_takes_the_higher_mark(people):
    ann, ben, _ = people[1]
    item = _doubly_marked(people, rule="higher")
    record_review(item, ann, marks(8), "一评")
    record_review(item, ben, marks(9), "二评")
    item = fresh(AttemptItem, item.id)
    assert item.score == 9
    assert "取较高分 9 分" in _events(item)[0].reason
    assert [r.counted for r in _reviews(item)] == [False, True]
    assert item_feedback(attempt_of(item))[item.id].comments == ["二评"]


def test_apart_beyond_tolerance_a_third_marker_decides_with_the_closer_mark(people):
    ann, ben, cai = people[1]
    item = _doubly_marked(people)
    record_review(item, ann, marks(5))
    record_review(item, ben, marks(9))
    item = fresh(AttemptItem, item.id)
    assert item.needs_review and item.score is None and _events(item) == []
    assert _tasks(item)[-1] == (3, "mark", "open")
    # Neither first marker may take the third mark; a third reviewer can.
    now = utcnow()
    assert queue(ann, now) == [] and queue(ben, now) == []
    with pytest.raises(ServiceError, match="已评阅过"):
        claim(item, ann, now)
    assert claim(item, cai, now).slot == 3
    record_review(item, cai, marks(8), now=now)
    item = fresh(AttemptItem, item.id)
    assert item.score == Decimal("8.5") and not item.needs_review
    assert _events(item)[0].reason == (
        "双评：一评 5、二评 9，相差 4，超过阈值 2；三评 8，与二评 9 最接近（相差 1），取两者平均分 8.5 分"
    )
    assert [r.counted for r in _reviews(item)] == [False, True, True]
    assert attempt_of(item).status == "released"


def test_still_apart_after_a_third_mark_the_lead_arbitrates(people, make_client):
    lead, (ann, ben, cai) = people
    item = _doubly_marked(people)
    for reviewer, total in ((ann, 4), (ben, 9), (cai, "6.5")):
        record_review(item, reviewer, marks(total))
    item = fresh(AttemptItem, item.id)
    assert item.needs_review and item.score is None
    assert _tasks(item)[-1] == (4, "arbitration", "open")
    assert attempt_of(item).status == "submitted"

    web = make_client()
    web.login("lead")
    listing = web.get(f"/marking/papers/{attempt_of(item).paper_id}").get_data(as_text=True)
    assert "待仲裁" in listing and attempt_of(item).candidate_code in listing
    url = f"/marking/items/{item.id}/arbitrate"
    page = web.get(url).get_data(as_text=True)
    assert "三评 6.5，与两评最小相差 2.5，仍超过阈值 2，由培训负责人仲裁" in page
    assert all(name in page for name in ("测试ann", "测试ben", "测试cai"))
    form = {f"c-{k}": v for k, v in marks(7).items()} | {"comment": "酌情给分"}
    refused = web.post(url, form | {"reason": ""}).get_data(as_text=True)
    assert "仲裁理由" in refused and "请填写仲裁理由" in refused
    assert fresh(AttemptItem, item.id).score is None
    r = web.post(url, form | {"reason": "二评偏宽，三评接近参考答案"})
    assert r.status_code == 302, r.get_data(as_text=True)

    item = fresh(AttemptItem, item.id)
    assert item.score == 7 and not item.needs_review
    (event,) = _events(item)
    assert (event.source, event.actor_id) == ("reconcile", lead.id)
    assert event.reason == "仲裁：二评偏宽，三评接近参考答案"
    assert [(r.reviewer_id, r.counted) for r in _reviews(item)] == [
        (ann.id, False), (ben.id, False), (cai.id, False), (lead.id, True)
    ]  # fmt: skip
    assert attempt_of(item).status == "released"
    feedback = item_feedback(attempt_of(item))[item.id]
    assert feedback.criteria == {"c1": "4", "c2": "3"} and feedback.comments == ["酌情给分"]
    again = web.post(url, form | {"reason": "再次"}, follow_redirects=True)
    assert "不需要仲裁，或已仲裁完毕" in again.get_data(as_text=True)


def test_a_marker_never_sees_the_other_marks(people, make_client):
    ann, ben, _ = people[1]
    item = _doubly_marked(people)
    first = make_client()
    first.login("ann")
    first.post(f"/review/items/{item.id}/claim")
    form = {"c-c1": "3.5", "c-c2": "1.5", "comment": "一评的评语只给一评自己看"}
    assert first.post(f"/review/items/{item.id}", form).status_code == 302

    second = make_client()
    second.login("ben")
    assert second.post(f"/review/items/{item.id}/claim").status_code == 302
    page = second.get(f"/review/items/{item.id}").get_data(as_text=True)
    assert "一评的评语只给一评自己看" not in page
    assert 'value="3.5"' not in page and 'value="1.5"' not in page
    # Ann sees her own marks again, and may not take the second mark.
    own = first.get(f"/review/items/{item.id}").get_data(as_text=True)
    assert "您已评阅这道题（5 分）" in own and 'value="3.5"' in own
    refused = first.post(f"/review/items/{item.id}/claim", follow_redirects=True)
    assert "您已评阅过这道题" in refused.get_data(as_text=True)


def test_one_reviewer_cannot_hold_both_marks_of_an_answer(people):
    ann, _, _ = people[1]
    item = _doubly_marked(people)
    now = utcnow()
    first = claim(item, ann, now)
    assert claim(item, ann, now).id == first.id  # claiming again renews the same mark
    assert [r.task_id for r in queue(ann, now)] == [first.id]
    owners = [t.holder_id for t in db.session.scalars(select(MarkingTask))]
    assert sorted(owners, key=lambda x: x or 0) == [None, ann.id]


def test_single_marking_still_scores_from_the_one_review(people):
    lead, (ann, _, _) = people
    item = sit(marking_paper(lead), person("xiaoming", Role.STAFF))
    assert _tasks(item) == [(1, "mark", "open")]
    record_review(item, ann, marks("7.5"), "好")
    item = fresh(AttemptItem, item.id)
    (event,) = _events(item)
    assert (item.score, event.source, event.actor_id) == (Decimal("7.5"), "review", ann.id)
