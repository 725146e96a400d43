"""Building papers: draw rules, choice sections, scoring rules, publishing and versions."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from exam_app.extensions import db
from exam_app.models import Attempt, Question, Role, User
from exam_app.models.base import utcnow
from exam_app.services import ServiceError
from exam_app.services import papers as paper_service
from exam_app.services.attempts import start_attempt, submit
from exam_app.services.drawing import replay
from exam_app.services.paper_sections import pool as draw_pool
from tests.factories import person


def _paper(lead, **settings):
    now = utcnow()
    values = {
        "title": "测试试卷",
        "quarter": "2026Q4",
        "opens_at": now - timedelta(minutes=5),
        "closes_at": now + timedelta(days=1),
        "time_limit_minutes": 60,
        "pass_mark": "1",
    }
    return paper_service.create_paper(created_by=lead, **{**values, **settings})


def _topic_with_at_least(n: int, kind: str = "single") -> tuple[str, list[Question]]:
    counts = db.session.execute(
        select(Question.topic, func.count())
        .where(Question.kind == kind, Question.status == "reviewed", Question.case_id.is_(None))
        .group_by(Question.topic)
    ).all()
    topic = next(t for t, c in sorted(counts, key=lambda r: r[1]) if c >= n)
    pool = db.session.scalars(
        select(Question)
        .where(Question.topic == topic, Question.kind == kind)
        .order_by(Question.uid)
    ).all()
    return topic, list(pool)


@pytest.fixture
def lead(app):
    return person("lead", Role.LEAD)


def test_a_draw_never_repeats_an_item_and_skips_the_papers_fixed_items(lead):
    topic, pool = _topic_with_at_least(8)
    paper = _paper(lead)
    paper_service.add_fixed_section(paper, title="固定", question_uids=[pool[0].uid])
    for title in ("抽一", "抽二"):
        paper_service.add_draw_section(paper, title=title, topic=topic, kind="single",
                                       count=3, points_each="1")  # fmt: skip
    paper_service.publish(paper)
    for n in range(5):
        attempt = start_attempt(paper, person(f"s{n}", Role.STAFF))
        uids = [i.snapshot["uid"] for i in attempt.items]
        assert len(uids) == len(set(uids)) == 7
        assert uids[0] == pool[0].uid and pool[0].uid not in uids[1:]


def test_least_used_items_are_drawn_first_so_candidates_see_different_items(lead):
    topic, pool = _topic_with_at_least(6)
    paper = _paper(lead)
    paper_service.add_draw_section(paper, title="抽", topic=topic, kind="single", count=2,
                                   points_each="1")  # fmt: skip
    paper_service.publish(paper)
    seen = Counter()
    for n in range(len(pool) // 2):
        attempt = start_attempt(paper, person(f"s{n}", Role.STAFF))
        seen.update(i.snapshot["uid"] for i in attempt.items)
    # Each item is used once before any is used twice.
    assert max(seen.values()) == 1 and len(seen) == 2 * (len(pool) // 2)


def test_a_draw_is_reproducible_from_the_attempts_seed_and_log(lead):
    topic, _pool = _topic_with_at_least(5)
    paper = _paper(lead)
    paper_service.add_draw_section(paper, title="抽", topic=topic, count=4, points_each="1")
    paper_service.publish(paper)
    start_attempt(paper, person("warm", Role.STAFF))  # usage counts now differ per item
    attempt = start_attempt(paper, person("s", Role.STAFF))
    replayed = replay(attempt.draw_log, attempt.seed, {1: 4})
    assert replayed[1] == [i.snapshot["uid"] for i in attempt.items]


def test_draw_filters_by_kind_tag_and_difficulty(lead):
    topic, pool = _topic_with_at_least(3)
    difficulties = sorted({q.difficulty for q in pool})
    low = difficulties[0]
    expected = [q for q in pool if q.difficulty == low]
    paper = _paper(lead)
    rule = paper_service.DrawRule(count=len(expected), points_each="1", topic=topic,
                                  kind="single", difficulty_min=low, difficulty_max=low)  # fmt: skip
    section = paper_service.add_draw_section(paper, title="抽", rule=rule)
    assert paper_service.draw_pool_size(section) == len(expected)
    paper_service.publish(paper)
    attempt = start_attempt(paper, person("s", Role.STAFF))
    assert {i.snapshot["uid"] for i in attempt.items} == {q.uid for q in expected}
    tagged = next((q for q in db.session.scalars(select(Question)) if q.tags), None)
    if tagged is not None:
        tag_rule = paper_service.DrawRule(count=1, points_each="1", tag=tagged.tags[0])
        other = paper_service.add_draw_section(_paper(lead), title="标签", rule=tag_rule)
        assert all(tagged.tags[0] in q.tags for q in draw_pool(other))


def test_publishing_refuses_a_pool_too_small_and_names_the_section(lead):
    topic, pool = _topic_with_at_least(2)
    paper = _paper(lead)
    paper_service.add_draw_section(paper, title="抽太多", topic=topic, kind="single",
                                   count=len(pool) + 1, points_each="1")  # fmt: skip
    with pytest.raises(ServiceError) as info:
        paper_service.publish(paper)
    assert (
        "第 1 大题「抽太多」" in info.value.message and f"只有 {len(pool)} 道" in info.value.message
    )
    assert paper.status == "draft"


def test_overlapping_draws_that_starve_each_other_are_refused(lead):
    topic, pool = _topic_with_at_least(2)
    paper = _paper(lead)
    for title in ("甲", "乙"):
        paper_service.add_draw_section(paper, title=title, topic=topic, kind="single",
                                       count=len(pool) - 1, points_each="1")  # fmt: skip
    problems = paper_service.publish_problems(paper)
    assert any("试抽题失败" in p for p in problems) or len(pool) - 1 == 0


def test_points_must_add_up_to_the_declared_full_marks(lead):
    topic, pool = _topic_with_at_least(3)
    paper = _paper(lead, full_marks="100")
    paper_service.add_fixed_section(paper, title="一、单选", question_uids=[q.uid for q in pool[:3]],
                                    points="5")  # fmt: skip
    problems = paper_service.publish_problems(paper)
    assert any("合计 15 分（一、单选 15）" in p and "满分 100 分" in p for p in problems), problems


def test_the_skill_test_choice_section_counts_the_first_five_answered(lead):
    _topic, essays = _topic_with_at_least(12, kind="essay")
    paper = _paper(lead, full_marks="25")
    paper_service.add_choice_section(paper, title="供用电基本知识（任选 5 题）",
                                     question_uids=[q.uid for q in essays[:12]], choose_count=5,
                                     points_each="5")  # fmt: skip
    paper_service.publish(paper)
    staff = person("s", Role.STAFF)
    attempt = start_attempt(paper, staff)
    assert attempt.max_total == 25 and len(attempt.items) == 12
    for item in attempt.items[:6]:
        item.response = f"第 {item.position} 题的作答"
    db.session.commit()
    submit(attempt)
    counted = [i.position for i in attempt.items if i.counted]
    assert counted == [1, 2, 3, 4, 5]
    assert [i.position for i in attempt.items if i.needs_review] == counted


def test_a_sections_scoring_rule_overrides_the_banks(lead):
    multi = db.session.scalars(
        select(Question).where(Question.kind == "multi", Question.rule != "per_option")
    ).first()
    paper = _paper(lead)
    paper_service.add_fixed_section(paper, title="多选", question_uids=[multi.uid],
                                    multi_rule="per_option")  # fmt: skip
    paper_service.publish(paper)
    attempt = start_attempt(paper, person("s", Role.STAFF))
    assert attempt.items[0].snapshot["rule"] == "per_option"


def test_a_published_paper_is_frozen_and_a_revision_replaces_it(lead):
    topic, pool = _topic_with_at_least(3)
    paper = _paper(lead)
    paper_service.add_fixed_section(paper, title="一", question_uids=[pool[0].uid])
    paper_service.publish(paper)
    with pytest.raises(ServiceError, match="已已发布|已发布"):
        paper_service.add_fixed_section(paper, title="二", question_uids=[pool[1].uid])
    sitter = person("early", Role.STAFF)
    first = start_attempt(paper, sitter)

    draft = paper_service.revise(paper, lead)
    assert (draft.status, draft.version, draft.lineage) == ("draft", 2, paper.lineage)
    assert [s.title for s in draft.sections] == ["一"]
    paper_service.add_fixed_section(draft, title="二", question_uids=[pool[1].uid])
    paper_service.publish(draft)
    db.session.refresh(paper)
    assert paper.status == "closed"
    # The sitting under way finishes on version 1; the same person cannot start version 2.
    assert start_attempt(draft, sitter).id == first.id
    submit(first)
    with pytest.raises(ServiceError, match="最多可作答 1 次"):
        start_attempt(draft, sitter)
    newcomer = start_attempt(draft, person("late", Role.STAFF))
    assert len(newcomer.items) == 2 and newcomer.paper_id == draft.id


def test_a_clone_is_a_new_draft_for_another_quarter(lead):
    _topic, pool = _topic_with_at_least(2)
    paper = _paper(lead)
    paper_service.add_fixed_section(paper, title="一", question_uids=[pool[0].uid])
    paper_service.publish(paper)
    now = utcnow()
    copy = paper_service.clone(paper, lead, title="2027年第1季度考试", quarter="2027Q1",
                               opens_at=now + timedelta(days=60),
                               closes_at=now + timedelta(days=61))  # fmt: skip
    assert copy.status == "draft" and copy.quarter == "2027Q1" and copy.lineage == copy.id
    assert [i.question_id for i in copy.sections[0].items] == [pool[0].id]


def test_only_the_named_departments_and_people_may_sit(lead, make_client):
    _topic, pool = _topic_with_at_least(2)
    paper = _paper(lead)
    paper_service.add_fixed_section(paper, title="一", question_uids=[pool[0].uid])
    inside = person("inside", Role.STAFF, department="客服一部")
    named = person("named", Role.STAFF, department="营业厅")
    person("outside", Role.STAFF, department="营业厅")
    from exam_app.services.audience import set_audience

    with pytest.raises(ServiceError, match="没有这些工号的人员：X999"):
        set_audience(paper, [], ["X999"])
    set_audience(paper, [inside.department_id], [named.staff_no])
    paper_service.publish(paper)
    for username, listed in (("inside", True), ("named", True), ("outside", False)):
        web = make_client()
        web.login(username)
        page = web.get("/exams/").get_data(as_text=True)
        assert (paper.title in page) is listed
        web.post(f"/exams/papers/{paper.id}/start")
        started = db.session.scalar(
            select(func.count(Attempt.id))
            .join(User, Attempt.user_id == User.id)
            .where(Attempt.paper_id == paper.id, User.username == username)
        )
        assert started == (1 if listed else 0), username
        if not listed:
            assert "不在这份试卷的考试名单中" in web.get("/exams/").get_data(as_text=True)


def test_a_second_attempt_when_the_paper_allows_two(lead):
    _topic, pool = _topic_with_at_least(2)
    paper = _paper(lead, attempts_allowed=2)
    paper_service.add_fixed_section(paper, title="一", question_uids=[pool[0].uid])
    paper_service.publish(paper)
    staff = person("s", Role.STAFF)
    first = start_attempt(paper, staff)
    submit(first)
    second = start_attempt(paper, staff)
    assert (first.number, second.number) == (1, 2) and second.id != first.id
    submit(second)
    with pytest.raises(ServiceError, match="最多可作答 2 次"):
        start_attempt(paper, staff)


def test_a_rule_set_on_one_item_of_the_paper_wins_over_its_section(lead, make_client):
    multi = db.session.scalars(select(Question).where(Question.kind == "multi")).first()
    paper = _paper(lead)
    section = paper_service.add_fixed_section(paper, title="多选", question_uids=[multi.uid],
                                              multi_rule="exact")  # fmt: skip
    web = make_client()
    web.login("lead")
    web.get(f"/papers/{paper.id}")
    item = section.items[0]
    web.post(f"/papers/{paper.id}/items/{item.id}/rule", {"rule": "weighted"})
    db.session.refresh(item)
    assert item.rule == "weighted"
    assert "评分规则无效" in web.post(
        f"/papers/{paper.id}/items/{item.id}/rule", {"rule": "per_blank"}, follow_redirects=True
    ).get_data(as_text=True)
    paper_service.publish(paper)
    attempt = start_attempt(paper, person("s", Role.STAFF))
    assert attempt.items[0].snapshot["rule"] == "weighted"
