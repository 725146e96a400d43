"""The staff file: results, trend, practice, appeals, and every score change in order, with
the derived score equal to the item's score; reviewers unnamed to the staff member."""

from __future__ import annotations

import re
from decimal import Decimal

from sqlalchemy import select

from exam_app.extensions import db
from exam_app.models import Attempt, AttemptItem, Role, User
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


def _objective_exam(lead, staff, count: int, title: str):
    """An exam of `count` single-choice items, sat and graded at once (so released)."""
    from datetime import timedelta

    from exam_app.models import Question
    from exam_app.models.base import utcnow
    from exam_app.services import papers as paper_service
    from exam_app.services.attempts import start_attempt
    from exam_app.services.autosave import save_answer
    from exam_app.services.submission import submit

    now = utcnow()
    paper = paper_service.create_paper(
        created_by=lead, title=title, quarter="2026Q4", opens_at=now - timedelta(minutes=5),
        closes_at=now + timedelta(days=1), time_limit_minutes=30, pass_mark="1",
    )  # fmt: skip
    uids = db.session.scalars(
        select(Question.uid).where(Question.kind == "single", Question.case_id.is_(None))
        .order_by(Question.uid).limit(count)
    ).all()  # fmt: skip
    paper_service.add_fixed_section(paper, title="一、单选", question_uids=list(uids), points="1")
    paper_service.publish(paper)
    attempt = start_attempt(paper, staff)
    for item in attempt.items:
        save_answer(attempt, item.position, "A", 1)
    submit(attempt)
    return attempt


def test_the_score_history_is_folded_per_exam_and_per_item(app, make_client):
    """One row per item under a closed <details> per exam, changes after release in view;
    two exams of one quarter under the quarter, told apart by title and date."""
    staff, attempt = _file_with_every_change()
    lead = db.session.scalar(select(User).where(User.username == "lead"))
    big = _objective_exam(lead, staff, 30, "第四季度业务抽考")
    db.session.commit()
    web = make_client()
    web.login("xiaoming")
    page = web.get("/records/").get_data(as_text=True)
    assert page.count("2026 年第 4 季度") == 1 and "本季度 3 次考核" in page
    for title in ("第四季度业务抽考", "双评卷", mixed_title(attempt)):
        assert re.search(
            rf'<h4 class="result-title">{re.escape(title)} <span[^>]*>\d{{4}}-\d\d-\d\d 公布', page
        )
    card = _between(page, f'id="result-{big.id}"', "</article>")
    details = _between(card, '<details class="history">', "</details>")
    assert '<details class="history" open' not in card  # folded until opened
    assert "共 30 条：自动评分 30 条" in details
    assert details.count("<tr class=") == 30  # one row per item, not one per event
    assert "第 1 题" not in card.replace(details, "")  # nothing of it outside the fold
    # The appealed and regraded exam: its late changes stay in view, above the fold.
    mixed = _between(page, f'id="result-{attempt.id}"', "</article>")
    late = _between(mixed, '<div class="late-changes">', "</div>")
    assert "申诉复核" in late and "更正答案重评" in late
    assert "共 4 条" in _between(mixed, "<details", "</details>")
    # The chart: one label per result with its date under it.
    assert len(re.findall(r'font-size="10" fill="#52606d">\d\d-\d\d<', page)) == 3


def mixed_title(attempt) -> str:
    return db.session.get(Attempt, attempt.id).paper.title


def _between(text: str, start: str, end: str) -> str:
    i = text.index(start)
    return text[i : text.index(end, i) + len(end)]
