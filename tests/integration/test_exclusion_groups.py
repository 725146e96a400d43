"""互斥组 in the draw: an attempt never gets two items of one exclusion group, across sections,
and the draw stays least-used-first, reproducible, and fails clearly when a section cannot be
filled without breaking a group (services/drawing.py)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from exam_app.extensions import db
from exam_app.models import Question, Role
from exam_app.models.base import utcnow
from exam_app.services import ServiceError
from exam_app.services import papers as paper_service
from exam_app.services.attempts import start_attempt
from exam_app.services.drawing import draw_items, replay
from exam_app.services.paper_publishing import publish_problems
from exam_app.services.preparing import prepare
from tests.factories import person


def _paper(lead, title="互斥组试卷"):
    now = utcnow()
    return paper_service.create_paper(
        created_by=lead, title=title, quarter="2026Q4", opens_at=now - timedelta(minutes=5),
        closes_at=now + timedelta(days=1), time_limit_minutes=60, pass_mark="1",
    )  # fmt: skip


def _single_topic(at_least: int) -> tuple[str, list[Question]]:
    counts = db.session.execute(
        select(Question.topic, func.count())
        .where(Question.kind == "single", Question.status == "reviewed", Question.case_id.is_(None))
        .group_by(Question.topic)
    ).all()
    topic = next(t for t, c in sorted(counts, key=lambda r: r[1]) if c >= at_least)
    pool = db.session.scalars(
        select(Question).where(Question.topic == topic, Question.kind == "single")
        .order_by(Question.uid)
    ).all()  # fmt: skip
    for q in pool:  # start from a clean slate: only the groups a test sets
        q.exclusion_group = None
    db.session.commit()
    return topic, list(pool)


def _group(questions, name):
    for q in questions:
        q.exclusion_group = name
    db.session.commit()


@pytest.fixture
def lead(app):
    return person("lead", Role.LEAD)


def _draws(paper, topic, *counts):
    for n, count in enumerate(counts, start=1):
        paper_service.add_draw_section(paper, title=f"抽{n}", topic=topic, kind="single",
                                       count=count, points_each="1")  # fmt: skip


def test_the_shipped_groups_are_loaded_into_the_bank(app):
    group = db.session.scalar(select(Question.exclusion_group).where(Question.uid == "tsfl-008"))
    members = db.session.scalars(
        select(Question.uid).where(Question.exclusion_group == group).order_by(Question.uid)
    ).all()
    assert group == "回访-时限"
    assert members == ["hfsx-001", "hfsx-002", "hfsx-003", "hfsx-015", "tsfl-008", "tsfl-010"]


def test_two_sections_over_one_pool_never_give_two_items_of_a_group(lead):
    topic, pool = _single_topic(10)
    _group(pool[0:4], "甲")
    _group(pool[4:6], "乙")
    paper = _paper(lead)
    slots = len(pool) - 4  # 甲 and 乙 give one item each
    _draws(paper, topic, slots // 2, slots - slots // 2)
    paper_service.publish(paper)
    for n in range(8):
        attempt = start_attempt(paper, person(f"s{n}", Role.STAFF))
        uids = [i.snapshot["uid"] for i in attempt.items]
        assert len(uids) == slots == len(set(uids))
        groups = Counter(q.exclusion_group for q in pool if q.uid in uids)
        assert groups["甲"] == 1 and groups["乙"] == 1  # every place is needed: one of each


def test_a_fixed_item_blocks_its_group_in_every_draw_even_one_placed_before_it(lead):
    topic, pool = _single_topic(8)
    _group([pool[0], pool[1], pool[2]], "丙")
    paper = _paper(lead)
    _draws(paper, topic, len(pool) - 3)  # all the places left once 丙 is taken
    paper_service.add_fixed_section(paper, title="固定", question_uids=[pool[0].uid], points="1")
    paper_service.publish(paper)
    for n in range(4):
        attempt = start_attempt(paper, person(f"s{n}", Role.STAFF))
        uids = [i.snapshot["uid"] for i in attempt.items]
        assert pool[0].uid in uids
        assert pool[1].uid not in uids and pool[2].uid not in uids


def test_least_used_first_still_holds_with_groups(lead):
    topic, pool = _single_topic(8)
    _group(pool[0:2], "丁")
    paper = _paper(lead)
    _draws(paper, topic, 1)
    paper_service.publish(paper)
    seen = Counter()
    for n in range(len(pool)):
        attempt = start_attempt(paper, person(f"s{n}", Role.STAFF))
        seen.update(i.snapshot["uid"] for i in attempt.items)
    # One item per candidate, the least used first: every item once, grouped ones included.
    assert set(seen) == {q.uid for q in pool} and max(seen.values()) == 1


def test_a_draw_with_groups_replays_from_the_stored_seed_and_log(lead):
    topic, pool = _single_topic(8)
    _group(pool[1:4], "戊")
    paper = _paper(lead)
    _draws(paper, topic, 2, 2)
    paper_service.publish(paper)
    start_attempt(paper, person("warm", Role.STAFF))  # usage counts now differ per item
    attempt = start_attempt(paper, person("s", Role.STAFF))
    grouped = [entry for e in attempt.draw_log for entry in e["pool"] if len(entry) == 3]
    assert grouped and all(entry[2] == "戊" for entry in grouped)
    replayed = replay(attempt.draw_log, attempt.seed, {1: 2, 2: 2})
    by_section = {1: [], 2: []}
    for item in attempt.items:
        by_section[item.section_position].append(item.snapshot["uid"])
    assert replayed == by_section


def test_prepared_attempts_respect_groups_too(lead):
    topic, pool = _single_topic(8)
    _group(pool[0:3], "己")
    paper = _paper(lead)
    _draws(paper, topic, 2, len(pool) - 4)
    paper_service.publish(paper)
    for n in range(3):
        person(f"s{n}", Role.STAFF)
    assert prepare(paper) == 3
    for n in range(3):
        attempt = start_attempt(paper, db.session.scalar(
            select(type(lead)).where(type(lead).username == f"s{n}")))  # fmt: skip
        uids = {i.snapshot["uid"] for i in attempt.items}
        assert len(uids & {q.uid for q in pool[0:3]}) == 1


def test_a_section_that_cannot_be_filled_without_breaking_a_group_fails_clearly(lead):
    topic, pool = _single_topic(6)
    _group(pool[1:], "庚")  # the whole pool gives two places
    paper = _paper(lead)
    _draws(paper, topic, 3)
    with pytest.raises(ServiceError) as caught:
        draw_items(paper, 1)
    assert "需要 3 道，只有 2 道" in caught.value.message and "互斥组" in caught.value.message
    problems = publish_problems(paper)
    assert any("互斥组" in p for p in problems)
    with pytest.raises(ServiceError):
        paper_service.publish(paper)


def test_sections_that_starve_each_other_through_a_group_are_refused_at_publishing(lead):
    topic, pool = _single_topic(6)
    _group(pool, "辛")  # one place in all
    paper = _paper(lead)
    _draws(paper, topic, 1, 1)
    problems = publish_problems(paper)
    assert any("第 2 大题" in p and "互斥组" in p for p in problems)
