"""Appeals: filed within working days, re-reviewed by someone who did not mark the item,
and the decision reaching the score, the total, the staff file and the result page."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from exam_app.extensions import db
from exam_app.models import Appeal, Attempt, AttemptItem, QuarterResult, Role, ScoreEvent
from exam_app.services import ServiceError
from exam_app.services.appeals import decide, file_appeal
from exam_app.services.reviews import record_review
from tests.appeal_fixtures import essay_of, mixed_paper, sit_mixed
from tests.factories import person
from tests.marking_fixtures import fresh

# Released Friday 2026-11-27 10:00 in Shanghai (02:00 UTC).
RELEASED = datetime(2026, 11, 27, 2, 0)


@pytest.fixture
def released(app):
    """xiaoming's attempt, essay marked 6 by marker1, released; returns (attempt, essay item)."""
    lead = person("lead", Role.LEAD, department="培训中心")
    marker = person("marker1", Role.REVIEWER, department="培训中心")
    person("marker2", Role.REVIEWER, department="培训中心")
    staff = person("xiaoming", Role.STAFF)
    attempt = sit_mixed(mixed_paper(lead), staff)
    record_review(essay_of(attempt), marker, {"c1": "2", "c2": "4"}, "要点不全。")
    attempt = fresh(Attempt, attempt.id)
    assert attempt.status == "released" and attempt.total == Decimal(8)
    return attempt, essay_of(attempt)


def _user(username):
    from exam_app.models import User

    return db.session.scalar(select(User).where(User.username == username))


def _idle() -> None:
    """End the test's transaction: on SQLite it holds the write lock a request needs."""
    db.session.commit()


def _at_release(attempt: Attempt, moment: datetime = RELEASED) -> None:
    attempt.released_at = moment
    db.session.commit()


def test_the_last_working_day_is_accepted_and_the_next_refused_with_the_date(released):
    attempt, item = released
    _at_release(attempt)
    staff = _user("xiaoming")
    # appeal_days = 2: Mon 11-30 and Tue 12-01; the weekend does not count.
    attempt.paper.appeal_days = 2
    db.session.commit()
    with pytest.raises(ServiceError, match="申诉期限已于 2026-12-01 结束"):
        file_appeal(item, staff, "理由", datetime(2026, 12, 1, 16, 5))  # 12-02 00:05 local
    assert db.session.scalar(select(func.count(Appeal.id))) == 0
    appeal = file_appeal(item, staff, "第二项要点我已写到。", datetime(2026, 12, 1, 15, 55))
    assert appeal.deadline.isoformat() == "2026-12-01" and appeal.old_score == Decimal(6)


def test_configured_holidays_are_skipped(app, released):
    attempt, item = released
    _at_release(attempt)
    attempt.paper.appeal_days = 2
    db.session.commit()
    app.config["HOLIDAYS"] = ["2026-11-30", "2026-12-01"]
    staff = _user("xiaoming")
    with pytest.raises(ServiceError, match="申诉期限已于 2026-12-03 结束"):
        file_appeal(item, staff, "理由", datetime(2026, 12, 3, 16, 30))  # Fri 12-04 local
    assert file_appeal(item, staff, "理由", datetime(2026, 12, 3, 15, 0)).deadline.day == 3


def test_the_official_calendar_moves_the_deadline_past_national_day(released):
    # No HOLIDAYS configured: chinesecalendar knows 国庆 2026 and its working Saturday.
    attempt, item = released
    _at_release(attempt, datetime(2026, 9, 30, 2, 0))  # Wednesday 09-30, Shanghai
    attempt.paper.appeal_days = 3  # 10-08 (Thu), 10-09 (Fri), 10-10 (Sat, 调休)
    db.session.commit()
    from exam_app.services.appeals import appeal_deadline, calendar_notice

    deadline = appeal_deadline(fresh(Attempt, attempt.id))
    assert deadline.isoformat() == "2026-10-10"
    assert calendar_notice(fresh(Attempt, attempt.id), deadline) == ""
    # Released in a year chinesecalendar does not know: weekdays only, and the page says so.
    _at_release(fresh(Attempt, attempt.id), datetime(2099, 12, 30, 2, 0))
    attempt = fresh(Attempt, attempt.id)
    deadline = appeal_deadline(attempt)
    assert deadline.isoformat() == "2100-01-04"  # Thu 12-31, Fri 01-01, Mon 01-04
    assert "2099 年、2100 年的法定节假日安排尚未收录" in calendar_notice(attempt, deadline)


def test_bad_input_names_the_field_and_changes_nothing(released):
    attempt, item = released
    staff = _user("xiaoming")
    with pytest.raises(ServiceError) as blank:
        file_appeal(item, staff, "   ", datetime.now())
    assert blank.value.field == "reason" and "申诉理由" in blank.value.message
    file_appeal(item, staff, "理由", attempt.released_at)
    with pytest.raises(ServiceError, match="已有处理中的申诉"):
        file_appeal(item, staff, "再来一次", attempt.released_at)
    with pytest.raises(ServiceError, match="只能对自己的答卷"):
        file_appeal(item, _user("marker2"), "理由", attempt.released_at)
    assert db.session.scalar(select(func.count(Appeal.id))) == 1


def test_the_marker_and_the_candidate_may_not_re_review(released):
    attempt, item = released
    appeal = file_appeal(item, _user("xiaoming"), "理由", attempt.released_at)
    for who, message in (("marker1", "评阅过这道题"), ("xiaoming", "阅卷人或培训负责人")):
        with pytest.raises(ServiceError, match=message):
            decide(appeal, _user(who), "upheld", "维持", attempt.released_at)
    assert fresh(Appeal, appeal.id).status == "open"


def test_a_candidate_who_is_also_a_reviewer_cannot_decide_their_own(app):
    lead = person("lead", Role.LEAD)
    both = person("both", Role.STAFF, Role.REVIEWER)
    attempt = sit_mixed(mixed_paper(lead), both)
    record_review(essay_of(attempt), person("m", Role.REVIEWER), {"c1": "2", "c2": "4"})
    appeal = file_appeal(essay_of(fresh(Attempt, attempt.id)), both, "理由", datetime.now())
    with pytest.raises(ServiceError, match="不能复核自己的申诉"):
        decide(appeal, both, "upheld", "维持", datetime.now())


def test_another_reviewer_changes_the_score_through_the_pages(released, make_client):
    attempt, item = released
    attempt_id, item_id, code = attempt.id, item.id, attempt.candidate_code
    staff_id, marker2_id = _user("xiaoming").id, _user("marker2").id
    _idle()
    staff, reviewer, lead = make_client(), make_client(), make_client()
    staff.login("xiaoming")
    page = staff.get(f"/exams/attempts/{attempt_id}/result/items").get_data(as_text=True)
    assert "对本题得分提出申诉" in page and "个工作日" in page
    r = staff.post(f"/records/items/{item_id}/appeal", {"reason": "收益归属我写了补充维修资金。"})
    assert r.status_code == 302
    appeal = db.session.scalar(select(Appeal))
    appeal_id = appeal.id
    _idle()

    reviewer.login("marker2")
    queue = reviewer.get("/appeals/").get_data(as_text=True)
    assert code in queue and "测试xiaoming" not in queue
    page = reviewer.get(f"/appeals/{appeal.id}").get_data(as_text=True)
    assert "收益归属我写了补充维修资金" in page and "测试xiaoming" not in page
    bad = reviewer.post(f"/appeals/{appeal.id}", {"outcome": "changed", "decision_reason": ""})
    assert "请填写复核理由" in bad.get_data(as_text=True)
    assert fresh(Appeal, appeal_id).status == "open"
    _idle()
    r = reviewer.post(
        f"/appeals/{appeal.id}",
        {"outcome": "changed", "decision_reason": "第二项要点已答到。", "c-c1": "2", "c-c2": "6"},
    )
    assert r.status_code == 302

    appeal = fresh(Appeal, appeal.id)
    assert (appeal.status, appeal.outcome, appeal.new_score) == ("decided", "changed", Decimal(8))
    assert fresh(AttemptItem, item.id).score == Decimal(8)
    assert fresh(Attempt, attempt.id).total == Decimal(10)
    result = db.session.scalar(select(QuarterResult).where(QuarterResult.attempt_id == attempt.id))
    assert result.total == Decimal(10) and result.sections[1]["score"] == "8.00"
    event = db.session.scalars(select(ScoreEvent).order_by(ScoreEvent.id.desc())).first()
    assert (event.source, event.score, event.actor_id) == ("appeal", Decimal(8), marker2_id)
    _idle()

    page = staff.get(f"/exams/attempts/{attempt_id}/result/items").get_data(as_text=True)
    assert "复核结果：改分" in page and "6 → 8" in page and "第二项要点已答到" in page
    file = staff.get("/records/").get_data(as_text=True)
    assert "公布时 8 分" in file and "10 / 12" in file and "测试marker2" not in file

    lead.login("lead")
    assert "测试marker2" in lead.get(f"/papers/staff/{staff_id}").get_data(as_text=True)


def test_an_upheld_appeal_keeps_the_score_and_is_recorded(released):
    attempt, item = released
    appeal = file_appeal(item, _user("xiaoming"), "理由", attempt.released_at)
    decide(appeal, _user("lead"), "upheld", "评分符合标准。", attempt.released_at)
    assert fresh(AttemptItem, item.id).score == Decimal(6)
    sources = db.session.scalars(
        select(ScoreEvent.source)
        .where(ScoreEvent.attempt_item_id == item.id)
        .order_by(ScoreEvent.id)
    ).all()
    assert sources == ["review", "appeal"]
    # Decided once: a second appeal on the same item may be filed, not decided by the same person.
    again = file_appeal(item, _user("xiaoming"), "仍有异议", attempt.released_at)
    with pytest.raises(ServiceError, match="评阅过这道题"):
        decide(again, _user("lead"), "upheld", "维持", attempt.released_at)


def test_objective_new_score_is_checked(released):
    attempt, _ = released
    single = next(i for i in attempt.items if i.kind == "single")
    appeal = file_appeal(single, _user("xiaoming"), "答案有争议", attempt.released_at)
    for raw, message in (("abc", "应为数字"), ("3", "0 到 2"), ("2", "相同")):
        with pytest.raises(ServiceError, match=message) as e:
            decide(appeal, _user("marker2"), "changed", "理由", attempt.released_at, new_score=raw)
        assert e.value.field == "new_score"
    decide(appeal, _user("marker2"), "changed", "题干有歧义", attempt.released_at, new_score="1")
    assert fresh(Attempt, attempt.id).total == Decimal(7)


def test_the_lead_sees_open_appeals_with_their_age_and_assigns_them(released, make_client):
    attempt, item = released
    appeal = file_appeal(item, _user("xiaoming"), "理由", attempt.released_at)
    appeal_id, marker1_id, marker2_id = appeal.id, _user("marker1").id, _user("marker2").id
    _idle()
    lead = make_client()
    lead.login("lead")
    page = lead.get("/corrections/appeals").get_data(as_text=True)
    assert "测试xiaoming" in page and "0 个工作日" in page
    refused = lead.post(
        f"/corrections/appeals/{appeal_id}/assign", {"assignee": marker1_id}, follow_redirects=True
    )
    assert "不能分配给" in refused.get_data(as_text=True)
    assert fresh(Appeal, appeal_id).assignee_id is None
    _idle()
    lead.post(f"/corrections/appeals/{appeal_id}/assign", {"assignee": marker2_id})
    assert fresh(Appeal, appeal_id).assignee_id == marker2_id
    third = person("marker3", Role.REVIEWER)
    with pytest.raises(ServiceError, match="已分配给其他复核人"):
        decide(fresh(Appeal, appeal.id), third, "upheld", "维持", attempt.released_at)


def test_posts_without_a_csrf_token_are_refused(released, make_client):
    attempt, item = released
    item_id = item.id
    appeal_id = file_appeal(item, _user("xiaoming"), "理由", attempt.released_at).id
    _idle()
    staff, reviewer, lead = make_client(), make_client(), make_client()
    staff.login("xiaoming")
    r = staff.http.post(f"/records/items/{item_id}/appeal", data={"reason": "理由"})
    assert r.status_code == 400
    reviewer.login("marker2")
    data = {"outcome": "upheld", "decision_reason": "x"}
    assert reviewer.http.post(f"/appeals/{appeal_id}", data=data).status_code == 400
    lead.login("lead")
    r = lead.http.post(f"/corrections/appeals/{appeal_id}/assign", data={"assignee": "1"})
    assert r.status_code == 400
    assert db.session.scalar(select(func.count(Appeal.id))) == 1
    assert fresh(Appeal, appeal_id).status == "open"
