"""The staff file: results, trend, practice, appeals, and every score change in order, with
the derived score equal to the item's score; reviewers unnamed to the staff member."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from exam_app.extensions import db
from exam_app.models import Attempt, AttemptItem, Role
from exam_app.services import practice, regrade
from exam_app.services.appeals import decide, file_appeal
from exam_app.services.reviews import record_review
from exam_app.services.staff_files import staff_file
from tests.appeal_fixtures import essay_of, mixed_paper, other_label, single_of, sit_mixed
from tests.factories import first_of_kind, person
from tests.marking_fixtures import fresh, marking_paper, marks, sit


def _file_with_every_change():
    lead = person("lead", Role.LEAD)
    marker, second = person("marker1", Role.REVIEWER), person("marker2", Role.REVIEWER)
    staff = person("xiaoming", Role.STAFF)
    paper = mixed_paper(lead)
    attempt = sit_mixed(paper, staff)
    record_review(essay_of(attempt), marker, {"c1": "2", "c2": "4"}, "要点不全。")
    attempt = fresh(Attempt, attempt.id)
    appeal = file_appeal(essay_of(attempt), staff, "我答到了第二项。", attempt.released_at)
    decide(appeal, second, "changed", "第二项已答到。", attempt.released_at,
           criteria={"c1": "2", "c2": "6"})  # fmt: skip
    keyed = regrade.keyed_items(paper)[0]
    wrong = other_label(single_of(attempt), single_of(attempt).snapshot["key"]["answer"])
    regrade.apply(paper, keyed, regrade.parse_key(keyed.snapshot, wrong), lead, "答案有误",
                  attempt.released_at)  # fmt: skip
    # A double-marked paper: two marks close together, reconciled by the system.
    double = marking_paper(lead, double=True, title="双评卷")
    item = sit(double, staff)
    record_review(item, marker, marks(8))
    record_review(fresh(AttemptItem, item.id), second, marks(9))
    practice.answer(staff, first_of_kind("single"), "A")
    return staff, fresh(Attempt, attempt.id)


def test_the_history_lists_every_change_in_order_and_ends_at_the_item_score(app):
    staff, attempt = _file_with_every_change()
    file = staff_file(staff, for_lead=True)
    history = file.histories[attempt.id]
    lines = [(line.position, line.source, line.score) for line in history.lines]
    single, essay = single_of(attempt), essay_of(attempt)
    assert lines == [
        (single.position, "auto", Decimal(2)),
        (essay.position, "review", Decimal(6)),
        (essay.position, "appeal", Decimal(8)),
        (single.position, "regrade", Decimal(0)),
    ]
    for item in attempt.items:
        last = [line for line in history.lines if line.position == item.position][-1]
        assert last.score == item.score
    assert history.released_total == Decimal(8) and attempt.total == Decimal(8)
    assert [line.source for line in history.late_changes] == ["appeal", "regrade"]
    assert history.lines[2].previous == Decimal(6) and "测试marker2" in history.lines[2].who
    reconciled = [h for a, h in file.histories.items() if a != attempt.id][0]
    assert [line.source for line in reconciled.lines] == ["reconcile"]
    assert len(file.results) == 2 and file.chart is not None and "<svg" in file.chart
    assert [(p.answered, p.topic) for p in file.practice] == [(1, first_of_kind("single").topic)]
    assert file.appeals[0].outcome == "changed"


def test_the_staff_member_sees_roles_not_names_and_only_their_own_file(app, make_client):
    staff, attempt = _file_with_every_change()
    other = person("other", Role.STAFF)
    ids = staff.id, other.id
    db.session.commit()
    web = make_client()
    web.login("xiaoming")
    page = web.get("/records/").get_data(as_text=True)
    for text in ("申诉复核", "更正答案重评", "自动评分", "阅卷评分", "复核", "阅卷人", "<svg",
                 "打印档案", "练习情况", "我答到了第二项", "第二项已答到", "公布时 8 分"):  # fmt: skip
        assert text in page, text
    assert "测试marker1" not in page and "测试marker2" not in page and "测试lead" not in page
    assert web.get(f"/papers/staff/{ids[1]}").status_code == 403
    other_web = make_client()
    other_web.login("other")
    assert "还没有已公布的考核成绩" in other_web.get("/records/").get_data(as_text=True)
    lead = make_client()
    lead.login("lead")
    lead_page = lead.get(f"/papers/staff/{ids[0]}").get_data(as_text=True)
    assert "测试marker1" in lead_page and "测试lead" in lead_page


def test_the_print_stylesheet_is_served_locally(app, client):
    r = client.get("/static/staff_file.css")
    assert r.status_code == 200 and b"@media print" in r.data
    r.close()


def test_no_results_is_said_plainly(app):
    nobody = person("nobody", Role.STAFF)
    file = staff_file(nobody, for_lead=False)
    assert file.results == [] and file.chart is None and file.last_practice is None
    assert db.session.scalars(select(Attempt)).all() == []
