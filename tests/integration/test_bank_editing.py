"""Leads edit the bank in the app: versions with history, review status, attempts untouched."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

from exam_app.extensions import db
from exam_app.models import Case, CaseVersion, Question, QuestionVersion, Role
from exam_app.services.attempts import start_attempt
from exam_app.services.bank_editing import return_to_draft
from exam_app.services.paper_sections import draw_pool_size
from tests.factories import ESSAY_TOPIC, first_of_kind, loop_paper, person


def single_form(question: Question, **changes) -> dict:
    data = {
        "kind": "single",
        "topic": question.topic,
        "difficulty": str(question.difficulty),
        "points": str(question.points),
        "stem": question.stem,
        "explanation": question.explanation,
        "source": question.source,
        "multi_rule": "exact",
        "fill_rule": "per_blank",
        "base_version": str(question.version),
    }
    for n, option in enumerate(question.options):
        data[f"options-{n}-text"] = option["text"]
        if option["label"] == question.key["answer"]:
            data[f"options-{n}-correct"] = "y"
    return data | changes


def test_an_edit_is_a_new_version_and_a_started_attempt_keeps_its_snapshot(app, lead):
    paper = loop_paper(person("boss", Role.LEAD))
    attempt = start_attempt(paper, person("s1", Role.STAFF))
    item = next(i for i in attempt.items if i.kind == "single")
    before = dict(item.snapshot)
    question = db.session.get(Question, item.question_id)
    response = lead.post(
        f"/bank/items/{question.uid}/edit",
        single_form(question, stem=question.stem + "（修订）", reviewed="y"),
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    db.session.refresh(question)
    assert question.version == 2 and question.stem.endswith("（修订）")
    assert question.status == "reviewed"
    db.session.refresh(item)
    assert item.snapshot == before and "（修订）" not in item.snapshot["stem"]
    versions = db.session.scalars(
        select(QuestionVersion).where(QuestionVersion.question_id == question.id)
    ).all()
    assert [(v.version, v.action) for v in versions] == [(1, "file"), (2, "edit")]
    assert versions[1].created_by.username == "lead" and versions[1].reviewed_by is not None
    page = lead.get(f"/bank/items/{question.uid}").get_data(as_text=True)
    change = page.split("第 2 版 · 在线编辑")[1].split("第 1 版")[0]
    assert "<th>题干</th>" in change and "（修订）" in change


def test_an_unreviewed_edit_is_a_draft_and_is_not_drawn(app, lead):
    paper = loop_paper(person("boss", Role.LEAD))
    section = next(s for s in paper.sections if s.mode == "draw")
    pool = draw_pool_size(section)
    question = db.session.scalars(
        select(Question).where(Question.topic == ESSAY_TOPIC, Question.kind == "essay")
    ).first()
    return_to_draft(question)
    assert draw_pool_size(section) == pool - 1
    single = first_of_kind("single")
    response = lead.post(f"/bank/items/{single.uid}/edit", single_form(single, stem="新的题干"))
    assert response.status_code == 302
    db.session.refresh(single)
    assert single.status == "draft" and single.version == 2
    # Reviewing it brings it back.
    assert lead.post(f"/bank/items/{single.uid}/review").status_code == 302
    db.session.refresh(single)
    assert single.status == "reviewed"


def test_a_stale_form_is_refused_and_changes_nothing(app, lead):
    question = first_of_kind("single")
    lead.post(f"/bank/items/{question.uid}/edit", single_form(question, stem="第一次"))
    stale = single_form(question, stem="第二次", base_version="1")
    page = lead.post(f"/bank/items/{question.uid}/edit", stale).get_data(as_text=True)
    assert "已被他人修改" in page
    db.session.refresh(question)
    assert question.stem == "第一次" and question.version == 2


def test_bad_input_is_shown_at_the_field_and_nothing_is_saved(app, lead):
    question = first_of_kind("single")
    data = single_form(question, points="-1")
    data.pop(next(k for k in data if k.endswith("-correct")))
    page = lead.post(f"/bank/items/{question.uid}/edit", data).get_data(as_text=True)
    assert "分值应为正数" in page and "单选题只能有 1 个正确答案" in page
    db.session.refresh(question)
    assert question.version == 1


@pytest.mark.parametrize(
    "kind, fields, key",
    [
        ("multi", {"options-0-text": "甲", "options-0-correct": "y", "options-1-text": "乙",
                   "options-1-correct": "y", "options-2-text": "丙", "multi_rule": "half"},
         {"answers": ["A", "B"]}),
        ("tf", {"tf_answer": "false"}, {"answer": False}),
        ("fill", {"stem": "{{1}}与{{2}}", "blanks": "甲 | (50%) 家\r\n乙", "any_order": "y"},
         {"blanks": [[["甲", "1"], ["家", "0.5"]], [["乙", "1"]]], "any_order": True}),
        ("essay", {"points": "3", "criteria-0-title": "要点", "criteria-0-points": "2",
                   "criteria-0-key_points": "甲；乙", "criteria-1-title": "完整",
                   "criteria-1-points": "1", "criteria-1-key_points": "丙",
                   "reference_answer": "参考答案"}, {}),
    ],
)  # fmt: skip
def test_each_kind_can_be_created(app, lead, kind, fields, key):
    data = {"uid": f"new-{kind}", "kind": kind, "topic": "新知识点", "difficulty": "2",
            "points": "2", "stem": "题干", "multi_rule": "exact", "fill_rule": "per_blank"}  # fmt: skip
    assert lead.get(f"/bank/items/new?kind={kind}").status_code == 200
    response = lead.post("/bank/items/new", data | fields)
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    question = db.session.scalar(select(Question).where(Question.uid == f"new-{kind}"))
    assert question.key == key and question.status == "draft" and question.version == 1
    assert question.origin == "在线新建"


def test_an_essay_cannot_be_reviewed_without_its_rubric(app, lead):
    data = {"uid": "bare", "kind": "essay", "topic": "知识", "difficulty": "3", "points": "2",
            "stem": "题干", "multi_rule": "exact", "fill_rule": "per_blank"}  # fmt: skip
    assert lead.post("/bank/items/new", data).status_code == 302
    page = lead.post("/bank/items/bare/review", follow_redirects=True).get_data(as_text=True)
    assert "不能审核" in page and "评分标准" in page
    assert db.session.scalar(select(Question.status).where(Question.uid == "bare")) == "draft"


def test_a_case_edit_is_versioned(app, lead):
    case = db.session.scalars(select(Case)).first()
    data = {"title": case.title + "（改）", "topic": case.topic, "source": case.source,
            "scenario": case.scenario, "basis": case.basis, "base_version": str(case.version)}  # fmt: skip
    assert lead.post(f"/bank/cases/{case.uid}/edit", data).status_code == 302
    db.session.refresh(case)
    assert case.version == 2 and case.title.endswith("（改）")
    rows = db.session.scalars(select(CaseVersion).where(CaseVersion.case_id == case.id)).all()
    assert [r.action for r in rows] == ["file", "edit"]
    assert "标题" in lead.get(f"/bank/cases/{case.uid}").get_data(as_text=True)


def test_the_list_filters_and_its_query_count_does_not_grow_with_the_bank(app, lead):
    tf = first_of_kind("tf")
    page = lead.get(f"/bank/?kind=tf&status=reviewed&q={tf.uid}").get_data(as_text=True)
    assert tf.uid in page and "共 1 道题" in page
    assert "共 0 道题" in lead.get(f"/bank/?kind=single&q={tf.uid}").text
    assert first_of_kind("single").uid in lead.get(f"/bank/?q={first_of_kind('single').uid}").text

    def count_queries(url: str) -> int:
        seen = []
        listener = lambda *args: seen.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert lead.get(url).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    few = count_queries("/bank/?kind=tf")
    many = count_queries("/bank/")
    assert many == few


def test_post_routes_refuse_a_request_without_csrf_token(app, lead):
    question = first_of_kind("single")
    for url in (f"/bank/items/{question.uid}/edit", f"/bank/items/{question.uid}/review",
                f"/bank/items/{question.uid}/draft", "/bank/items/new", "/bank/cases/new",
                "/bank/import"):  # fmt: skip
        response = lead.http.post(url, data=single_form(question))
        assert response.status_code == 400, url
        assert "CSRF" in response.get_data(as_text=True)
    db.session.refresh(question)
    assert question.version == 1 and question.status == "reviewed"


def test_every_page_renders_for_every_kind(app, lead):
    for kind in ("single", "multi", "tf", "fill", "essay"):
        question = first_of_kind(kind)
        assert question.uid in lead.get(f"/bank/items/{question.uid}").text
        edit = lead.get(f"/bank/items/{question.uid}/edit").text
        assert 'name="csrf_token"' in edit and question.stem.splitlines()[0][:10] in edit
    case_question = first_of_kind("essay", in_case=True)
    case = case_question.case
    assert case_question.uid in lead.get(f"/bank/cases/{case.uid}").text
    assert case.title in lead.get("/bank/cases/").text
    assert "案例编号" in lead.get("/bank/cases/new").text
    assert "上传并预览" in lead.get("/bank/import").text
