"""Criteria marked by levels (评分档次, seed 003: 正确 / 部分正确 / 不正确), from the reviewer's
form to the candidate's result, appeals, double marking, the report and the bank editor."""

from __future__ import annotations

import copy
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from exam_app.extensions import db
from exam_app.models import Appeal, AttemptItem, Question, Review, Role
from exam_app.models.base import utcnow
from exam_app.services.appeals import file_appeal
from exam_app.services.attempts import start_attempt
from exam_app.services.results import item_feedback
from exam_app.services.reviews import record_review
from tests.factories import person
from tests.marking_fixtures import (
    attempt_of,
    fresh,
    levelled_question,
    marking_paper,
    sit,
)

PARTLY = "只答对一个时限"  # the description of 部分正确: reviewers' eyes only


@pytest.fixture
def answer(app):
    lead = person("lead", Role.LEAD, department="培训中心")
    person("alice", Role.REVIEWER, department="培训中心")
    person("bob", Role.REVIEWER, department="培训中心")
    staff = person("xiaoming", Role.STAFF, department="客服一部")
    return sit(marking_paper(lead, question=levelled_question()), staff)


def _client(make_client, username):
    db.session.commit()  # the test's transaction would hold SQLite's write lock
    web = make_client()
    web.login(username)
    return web


def test_the_reviewer_picks_a_level_and_the_candidate_sees_it_once_released(answer, make_client):
    alice = _client(make_client, "alice")
    page = alice.get(f"/review/items/{answer.id}").get_data(as_text=True)
    assert page.count('type="radio" name="c-c1"') == 3 and PARTLY in page
    assert 'value="2"' in page and "按档次评分" in page
    assert 'type="number" name="c-c2"' in page  # the free criterion keeps its box

    staff = _client(make_client, "xiaoming")
    before = staff.get(f"/exams/attempts/{answer.attempt_id}/result").get_data(as_text=True)
    assert PARTLY not in before and "部分正确" not in before

    alice.post(f"/review/items/{answer.id}/claim")
    done = alice.post(f"/review/items/{answer.id}", {"c-c1": "2", "c-c2": "5"})
    assert done.status_code == 302
    item = fresh(AttemptItem, answer.id)
    assert item.score == Decimal(7)
    review = db.session.scalar(select(Review))
    assert review.criteria == {"c1": "2", "c2": "5"} and review.total == Decimal(7)
    again = alice.get(f"/review/items/{answer.id}").get_data(as_text=True)
    assert 'value="2" required\n' in again or 'value="2" required' in again
    assert "checked" in again.split('value="2"')[1].split(">")[0]

    assert attempt_of(item).status == "released"
    result = staff.get(f"/exams/attempts/{answer.attempt_id}/result/items").get_data(as_text=True)
    assert "2（部分正确）" in result and "5</td>" in result
    # The score history in the staff file names the level chosen.
    history = staff.get("/records/").get_data(as_text=True)
    assert "按评分标准评阅（业务知识 部分正确）" in history


@pytest.mark.parametrize("mark", ["3", "1", "4.5", "部分正确"])
def test_points_that_are_no_level_are_refused_in_chinese(answer, make_client, mark):
    alice = _client(make_client, "alice")
    alice.post(f"/review/items/{answer.id}/claim")
    response = alice.post(f"/review/items/{answer.id}", {"c-c1": mark, "c-c2": "5"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "「业务知识」" in page
    assert (
        "不是其中任何一档" in page and "可选：正确 4 分、部分正确 2 分、不正确 0 分" in page
    ) or ("超出范围" in page or "不是有效的数字" in page)
    assert db.session.scalar(select(func.count(Review.id))) == 0
    assert fresh(AttemptItem, answer.id).score is None


def test_no_level_chosen_is_not_yet_marked(answer, make_client):
    alice = _client(make_client, "alice")
    alice.post(f"/review/items/{answer.id}/claim")
    page = alice.post(f"/review/items/{answer.id}", {"c-c2": "5"}).get_data(as_text=True)
    assert "「业务知识」尚未评分" in page


def test_the_levels_are_frozen_with_the_attempt(answer, make_client):
    question = db.session.scalar(select(Question).where(Question.uid == "marking-test-levels"))
    rubric = copy.deepcopy(question.rubric)
    rubric[0]["levels"] = [
        {"label": "全对", "points": "4", "description": "全对"},
        {"label": "有错", "points": "1", "description": "有错"},
        {"label": "全错", "points": "0", "description": "全错"},
    ]
    question.rubric = rubric
    db.session.commit()
    alice = _client(make_client, "alice")
    page = alice.get(f"/review/items/{answer.id}").get_data(as_text=True)
    assert "部分正确" in page and "有错" not in page
    alice.post(f"/review/items/{answer.id}/claim")
    refused = alice.post(f"/review/items/{answer.id}", {"c-c1": "1", "c-c2": "5"})
    assert "不是其中任何一档" in refused.get_data(as_text=True)
    assert alice.post(f"/review/items/{answer.id}", {"c-c1": "2", "c-c2": "5"}).status_code == 302


def test_an_appeal_re_review_picks_a_level_and_the_result_names_it(answer, make_client):
    from exam_app.models import User

    alice = db.session.scalar(select(User).where(User.username == "alice"))
    record_review(fresh(AttemptItem, answer.id), alice, {"c1": "0", "c2": "5"})
    item = fresh(AttemptItem, answer.id)
    staff = db.session.scalar(select(User).where(User.username == "xiaoming"))
    file_appeal(item, staff, "两个时限我都答对了。", utcnow())
    appeal_id = db.session.scalar(select(Appeal.id))
    bob = _client(make_client, "bob")
    page = bob.get(f"/appeals/{appeal_id}").get_data(as_text=True)
    assert "0（不正确）" in page and page.count('type="radio" name="c-c1"') == 3
    wrong = bob.post(
        f"/appeals/{appeal_id}",
        {"outcome": "changed", "decision_reason": "时限答对。", "c-c1": "3", "c-c2": "5"},
    )
    assert "不是其中任何一档" in wrong.get_data(as_text=True)
    assert fresh(Appeal, appeal_id).status == "open"
    ok = bob.post(
        f"/appeals/{appeal_id}",
        {"outcome": "changed", "decision_reason": "时限答对。", "c-c1": "4", "c-c2": "5"},
    )
    assert ok.status_code == 302
    assert fresh(AttemptItem, answer.id).score == Decimal(9)
    staff_web = _client(make_client, "xiaoming")
    result = staff_web.get(f"/exams/attempts/{answer.attempt_id}/result/items").get_data(
        as_text=True
    )
    assert "4（正确）" in result and "0（不正确）" in result


def _report(make_client, paper_id):
    lead = _client(make_client, "lead")
    html = lead.get(f"/reports/paper/{paper_id}").get_data(as_text=True)
    book = load_workbook(io.BytesIO(lead.get(f"/reports/paper/{paper_id}/items.xlsx").data))
    rows = list(book.active.iter_rows(values_only=True))
    return html, dict(zip(rows[0], rows[1], strict=True))


def test_the_report_counts_the_levels_chosen(app, make_client):
    from exam_app.models import User

    lead = person("lead", Role.LEAD, department="培训中心")
    alice = person("alice", Role.REVIEWER, department="培训中心")
    paper = marking_paper(lead, question=levelled_question())
    picks = ["4", "2", "2", "0"]
    for n, level in enumerate(picks):
        item = sit(paper, person(f"staff{n}", Role.STAFF))
        record_review(item, alice, {"c1": level, "c2": "3"})
    paper_id = paper.id
    html, row = _report(make_client, paper_id)
    assert "业务知识" in html
    assert "<li>正确：1</li><li>部分正确：2</li><li>不正确：1</li>" in html
    assert row["评分档次分布"] == "业务知识：正确 1、部分正确 2、不正确 1"
    assert db.session.scalar(select(func.count(User.id))) >= 6


def test_both_marks_of_an_averaged_pair_are_counted(app, make_client):
    lead = person("lead", Role.LEAD, department="培训中心")
    ann, ben = (person(n, Role.REVIEWER, department="培训中心") for n in ("ann", "ben"))
    paper = marking_paper(lead, question=levelled_question(), double=True, tolerance="3")
    item = sit(paper, person("xiaoming", Role.STAFF))
    record_review(item, ann, {"c1": "4", "c2": "3"})
    record_review(fresh(AttemptItem, item.id), ben, {"c1": "2", "c2": "3"})
    item = fresh(AttemptItem, item.id)
    assert item.score == Decimal(6)  # (7 + 5) / 2
    # The candidate sees the mean per criterion: 3 is no level, so no label is claimed.
    assert item_feedback(attempt_of(item))[item.id].criteria == {"c1": "3", "c2": "3"}
    html, row = _report(make_client, paper.id)
    assert "<li>正确：1</li><li>部分正确：1</li><li>不正确：0</li>" in html
    assert row["评分档次分布"] == "业务知识：正确 1、部分正确 1、不正确 0"
    result = _client(make_client, "xiaoming").get(f"/exams/attempts/{item.attempt_id}/result/items")
    assert "<td>3</td>" in result.get_data(as_text=True)


@pytest.fixture
def lead_web(app, make_client):
    person("lead", Role.LEAD)
    return _client(make_client, "lead")


ESSAY_FORM = {
    "uid": "levels-new",
    "kind": "essay",
    "topic": "业务知识抽考",
    "difficulty": "3",
    "points": "3",
    "stem": "普通客户投诉的处理时限是多少？",
    "multi_rule": "exact",
    "fill_rule": "per_blank",
    "criteria-0-title": "业务知识",
    "criteria-0-points": "2",
    "criteria-0-key_points": "处理不超过10天",
    "criteria-0-levels": "正确 (2分): 答对\r\n部分正确 (1分): 数字对、单位错\r\n不正确 (0分): 答错",
    "criteria-1-title": "表达",
    "criteria-1-points": "1",
    "criteria-1-key_points": "清楚",
    "reference_answer": "不超过10天。",
}


def test_the_bank_editor_writes_and_shows_levels(lead_web):
    response = lead_web.post("/bank/items/new", ESSAY_FORM)
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    question = db.session.scalar(select(Question).where(Question.uid == "levels-new"))
    assert question.rubric[0]["levels"][1] == {
        "label": "部分正确",
        "points": "1",
        "description": "数字对、单位错",
    }
    assert "levels" not in question.rubric[1]
    edit = lead_web.get("/bank/items/levels-new/edit").get_data(as_text=True)
    assert "部分正确 (1分): 数字对、单位错" in edit
    detail = lead_web.get("/bank/items/levels-new").get_data(as_text=True)
    assert "<strong>部分正确</strong>（1 分）：数字对、单位错" in detail


@pytest.mark.parametrize(
    ("levels", "message"),
    [
        ("正确 (2分): 答对\r\n部分正确 (1分): 半对", "最低档次“部分正确”应为 0 分"),
        ("正确 (3分): 答对\r\n不正确 (0分): 答错", "为 3 分，超过该项满分 2 分"),
        ("正确 (2分): 答对\r\n正确 (0分): 答错", "档次“正确”重复"),
        ("正确 2分 答对", "评分项“业务知识”的第 1 个档次应写作"),
    ],
)
def test_bad_levels_in_the_editor_are_refused_in_chinese(lead_web, levels, message):
    page = lead_web.post("/bank/items/new", ESSAY_FORM | {"criteria-0-levels": levels})
    assert page.status_code == 200
    assert message in page.get_data(as_text=True)
    assert db.session.scalar(select(Question).where(Question.uid == "levels-new")) is None


def test_excel_export_and_import_round_trip_the_shipped_levels(lead_web):
    exported = lead_web.get("/bank/export?format=excel&topic=投诉分类与处理时限")
    rows = list(load_workbook(io.BytesIO(exported.data))["题目"].iter_rows(values_only=True))
    header = rows[0]
    cell = next(r for r in rows[1:] if r[header.index("编号")] == "tsfl-030")
    rubric = cell[header.index("评分标准")]
    assert "\n  - 部分正确 (0.5分): 只答对其中一个时限\n" in rubric
    payload = {"file": (io.BytesIO(exported.data), "bank.xlsx")}
    preview = lead_web.post(
        "/bank/import", payload, content_type="multipart/form-data", follow_redirects=True
    ).get_data(as_text=True)
    assert "与题库相同（不变）" in preview and "更新为新版本" not in preview


def test_a_started_attempt_snapshot_holds_the_levels(app):
    lead = person("lead", Role.LEAD, department="培训中心")
    paper = marking_paper(lead, question=levelled_question())
    attempt = start_attempt(paper, person("xiaoming", Role.STAFF))
    item = next(i for i in attempt.items if i.kind == "essay")
    assert [lv["label"] for lv in item.snapshot["rubric"][0]["levels"]] == [
        "正确",
        "部分正确",
        "不正确",
    ]


def test_the_lead_arbitrates_by_levels_and_sees_each_markers_level(app, make_client):
    lead = person("lead", Role.LEAD, department="培训中心")
    ann, ben, cai = (person(n, Role.REVIEWER, department="培训中心") for n in ("ann", "ben", "cai"))
    item = sit(
        marking_paper(lead, question=levelled_question(), double=True, tolerance="2"),
        person("xiaoming", Role.STAFF),
    )
    for reviewer, mark in ((ann, ("0", "0")), (ben, ("4", "6")), (cai, ("2", "2.5"))):
        record_review(fresh(AttemptItem, item.id), reviewer, {"c1": mark[0], "c2": mark[1]})
    assert fresh(AttemptItem, item.id).needs_review
    web = _client(make_client, "lead")
    url = f"/marking/items/{item.id}/arbitrate"
    page = web.get(url).get_data(as_text=True)
    assert "0（不正确）" in page and "4（正确）" in page and "2（部分正确）" in page
    assert page.count('type="radio" name="c-c1"') == 3
    form = {"c-c2": "3", "comment": "", "reason": "取三评"}
    refused = web.post(url, form | {"c-c1": "3"}).get_data(as_text=True)
    assert "不是其中任何一档" in refused
    assert web.post(url, form | {"c-c1": "2"}).status_code == 302
    assert fresh(AttemptItem, item.id).score == Decimal(5)
