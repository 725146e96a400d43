"""Releasing results: automatic once graded, or held for the lead, who releases per paper;
then the staff member sees per-criterion points and comments."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from exam_app.extensions import db
from exam_app.models import QuarterResult, ResultRelease, Role
from exam_app.services.reviews import record_review
from tests.factories import person
from tests.marking_fixtures import attempt_of, marking_paper, sit


@pytest.fixture
def setup(app, make_client):
    lead = person("lead", Role.LEAD, department="培训中心")
    marker = person("marker", Role.REVIEWER, department="培训中心")
    web = make_client()
    web.login("lead")
    return lead, marker, web


def _results() -> int:
    return db.session.scalar(select(func.count(QuarterResult.id)))


def test_manual_release_waits_for_the_lead_then_the_staff_member_sees_the_feedback(
    setup, make_client
):
    lead, marker, web = setup
    paper = marking_paper(lead, release="manual")
    item = sit(paper, person("xiaoming", Role.STAFF))
    staff = make_client()
    staff.login("xiaoming")
    page = web.get(f"/marking/papers/{paper.id}").get_data(as_text=True)
    assert "由培训负责人手动公布" in page and "1 份未评完" in page
    refused = web.post(f"/marking/papers/{paper.id}/release", follow_redirects=True)
    assert "全部评完后才能公布成绩" in refused.get_data(as_text=True)

    record_review(item, marker, {"c1": "3.5", "c2": "5"}, "收益归属答得完整，事实部分略欠。")
    attempt = attempt_of(item)
    assert attempt.status == "graded" and attempt.total == Decimal("8.5") and _results() == 0
    waiting = staff.get(f"/exams/attempts/{attempt.id}/result").get_data(as_text=True)
    assert "已评分" in waiting and "收益归属答得完整" not in waiting

    r = web.post(f"/marking/papers/{paper.id}/release", follow_redirects=True)
    assert "已公布成绩：1 份答卷" in r.get_data(as_text=True)
    attempt = attempt_of(item)
    assert attempt.status == "released" and _results() == 1
    decision = db.session.get(ResultRelease, paper.id)
    assert (decision.state, decision.decided_by_id) == ("released", lead.id)

    result = staff.get(f"/exams/attempts/{attempt.id}/result/items").get_data(as_text=True)
    assert "总分 8.5 / 10" in result
    assert "事实认定（满分 4）</td><td>3.5</td>" in result
    assert "收益归属（满分 6）</td><td>5</td>" in result
    assert "收益归属答得完整，事实部分略欠。" in result
    assert "8.5" in staff.get("/records/").get_data(as_text=True)


def test_an_attempt_graded_after_the_release_goes_out_at_once(setup):
    lead, marker, web = setup
    paper = marking_paper(lead, release="manual")
    first = sit(paper, person("s1", Role.STAFF))
    record_review(first, marker, {"c1": "4", "c2": "6"})
    web.post(f"/marking/papers/{paper.id}/release")
    late = sit(paper, person("s2", Role.STAFF))
    record_review(late, marker, {"c1": "1", "c2": "1"})
    assert attempt_of(late).status == "released" and _results() == 2


def test_holding_an_automatic_paper_keeps_new_results_back_until_released(setup):
    lead, marker, web = setup
    paper = marking_paper(lead)  # release_policy "auto"
    r = web.post(
        f"/marking/papers/{paper.id}/hold", {"note": "等待申诉期安排"}, follow_redirects=True
    )
    assert "已暂缓公布" in r.get_data(as_text=True)
    item = sit(paper, person("s1", Role.STAFF))
    record_review(item, marker, {"c1": "2", "c2": "2"})
    assert attempt_of(item).status == "graded" and _results() == 0
    page = web.get(f"/marking/papers/{paper.id}").get_data(as_text=True)
    assert "暂缓公布" in page and "等待申诉期安排" in page
    web.post(f"/marking/papers/{paper.id}/release")
    assert attempt_of(item).status == "released" and _results() == 1


def test_a_hold_note_that_is_too_long_is_refused_naming_the_field(setup):
    lead, _, web = setup
    paper = marking_paper(lead)
    r = web.post(f"/marking/papers/{paper.id}/hold", {"note": "长" * 501}, follow_redirects=True)
    assert "暂缓原因最多 500 字" in r.get_data(as_text=True)
    assert db.session.get(ResultRelease, paper.id) is None


def test_automatic_release_is_unchanged(setup):
    lead, marker, _ = setup
    item = sit(marking_paper(lead), person("s1", Role.STAFF))
    record_review(item, marker, {"c1": "4", "c2": "6"})
    assert attempt_of(item).status == "released" and _results() == 1
