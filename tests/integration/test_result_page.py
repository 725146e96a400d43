"""The staff member's result page (#13): a summary first (score, pass, per section, right /
partly right / wrong), items marked, 「只看错题」; what is shown when is unchanged."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from exam_app.models import Role
from exam_app.models.base import utcnow
from exam_app.services import papers as paper_service
from exam_app.services.attempts import start_attempt, submit
from exam_app.services.autosave import save_answer
from tests.factories import first_of_kind, key_response, loop_paper, person


@pytest.fixture
def lead(app):
    return person("lead", Role.LEAD)


def _objective_paper(lead, **settings):
    now = utcnow()
    paper = paper_service.create_paper(
        created_by=lead, title="客观题测验", quarter="2026Q4", opens_at=now - timedelta(minutes=5),
        closes_at=now + timedelta(days=1), time_limit_minutes=30, pass_mark="4", **settings,
    )  # fmt: skip
    uids = [first_of_kind(k).uid for k in ("single", "multi", "tf", "fill")]
    paper_service.add_fixed_section(paper, title="一、选择题", question_uids=uids[:2], points="2")
    paper_service.add_fixed_section(
        paper, title="二、判断与填空", question_uids=uids[2:], points="2"
    )
    paper_service.publish(paper)
    return paper


def _sit(paper, staff, right: set[str]):
    """Answer the kinds in `right` by the key, the multi half right, the rest wrong."""
    attempt = start_attempt(paper, staff)
    for item in attempt.items:
        snap = item.snapshot
        if item.kind in right:
            response = key_response(snap)
        elif item.kind == "multi":
            response = key_response(snap)[:1]  # 少选: partly right under the paper's rule
        elif item.kind == "single":
            response = next(
                o["label"] for o in snap["options"] if o["label"] != snap["key"]["answer"]
            )
        elif item.kind == "tf":
            response = not snap["key"]["answer"]
        else:
            response = ["完全不对的答案"] * len(snap["key"]["blanks"])
        save_answer(attempt, item.position, response, item.position)
    submit(attempt, utcnow())
    return attempt


def _page(make_client, attempt, items: bool = False, **query) -> str:
    """The result page (score and sections), or with `items` its page of items."""
    web = make_client()
    web.login("s1")
    url = f"/exams/attempts/{attempt.id}/result" + ("/items" if items else "")
    response = web.get(url, query_string=query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_summary_comes_first_with_sections_and_right_partial_wrong_counts(lead, make_client):
    paper = _objective_paper(lead, multi_rule="half")
    attempt = _sit(paper, person("s1", Role.STAFF), right={"single", "fill"})
    summary = _page(make_client, attempt)
    # single 2 + multi half of 2 + tf 0 + fill 2 = 5 of 8; pass mark 4
    assert "<strong>总分 5 / 8</strong>" in summary
    assert "合格" in summary and "不合格" not in summary
    assert "正确 2 题" in summary and "部分正确 1 题" in summary and "错误 1 题" in summary
    items_url = f"/exams/attempts/{attempt.id}/result/items"
    assert f'href="{items_url}#section-1">一、选择题' in summary
    assert f'href="{items_url}#section-2">二、判断与填空' in summary
    assert summary.index("result-score") < summary.index("result-sections")
    # After 交卷 the page draws no item: each is one click away.
    assert "data-outcome" not in summary and "正确答案" not in summary
    assert (
        "查看逐题答案与解析" in summary
        and f'href="{items_url}?only=wrong">只看错题（2）' in summary
    )
    items = _page(make_client, attempt, items=True)
    assert items.count('data-outcome="right"') == 2 and items.count('data-outcome="wrong"') == 1
    assert "✓ 正确" in items and "◐ 部分正确" in items and "✗ 错误" in items
    assert (
        "只看错题（2）" in items and "正确答案" in items and "<strong>总分 5 / 8</strong>" in items
    )


def test_only_wrong_hides_the_items_answered_right(lead, make_client):
    paper = _objective_paper(lead, multi_rule="half")
    attempt = _sit(paper, person("s1", Role.STAFF), right={"single", "fill"})
    body = _page(make_client, attempt, items=True, only="wrong")
    assert 'aria-pressed="true"' in body
    for article in body.split("<article")[1:]:
        hidden = "hidden>" in article.split(">")[0] + ">"
        assert hidden == ('data-outcome="right"' in article.split(">")[0])


def test_all_right_says_so_instead_of_offering_only_wrong(lead, make_client):
    paper = _objective_paper(lead)
    attempt = _sit(paper, person("s1", Role.STAFF), right={"single", "multi", "tf", "fill"})
    assert "只看错题" not in _page(make_client, attempt)
    body = _page(make_client, attempt, items=True)
    assert "全部答对" in body and "data-only-wrong" not in body


def test_an_all_objective_paper_held_for_release_does_not_promise_essay_marking(lead, make_client):
    paper = _objective_paper(lead, release_policy="manual")
    attempt = _sit(paper, person("s1", Role.STAFF), right={"single"})
    body = _page(make_client, attempt)
    assert "主观题" not in body and "培训负责人统一公布" in body
    assert "正确答案" not in body and "得分" not in body  # nothing before release, as before


def test_a_paper_with_essays_says_they_are_being_marked(lead, make_client):
    paper = loop_paper(lead)
    staff = person("s1", Role.STAFF)
    attempt = start_attempt(paper, staff)
    for item in [i for i in attempt.items if i.kind == "essay"]:
        save_answer(attempt, item.position, "我的回答", item.position)
    submit(attempt, utcnow())
    body = _page(make_client, attempt)
    assert "主观题正在评阅" in body and "正确答案" not in body and "result-counts" not in body


def test_while_another_exam_is_open_the_items_stay_folded_and_so_do_the_counts(lead, make_client):
    paper = _objective_paper(lead)
    staff = person("s1", Role.STAFF)
    attempt = _sit(paper, staff, right={"single"})
    start_attempt(_objective_paper(lead), staff)  # another exam now under way
    body = _page(make_client, attempt)
    assert "交卷后才能查看本卷的逐题答案与解析" in body
    assert "正确答案" not in body and "result-counts" not in body and "data-outcome" not in body
    assert re.search(r"总分 [\d.]+ / 8", body)  # the total, as before
