"""No key, 解析 or reference answer reaches a person while an exam of theirs is open: practice,
the wrong-answer book and released answers close until they submit (issue #14)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from exam_app.extensions import db
from exam_app.models import Attempt, PracticeAnswer, Role
from exam_app.models.base import utcnow
from exam_app.services.attempts import start_attempt, submit
from exam_app.services.papers import add_fixed_section, create_paper, publish
from tests.factories import first_of_kind, loop_paper, person


def _sitting(make_client):
    lead = person("lead", Role.LEAD)
    staff = person("staff")
    paper = loop_paper(lead)
    web = make_client()
    web.login("staff")
    web.post(f"/exams/papers/{paper.id}/start")
    attempt = db.session.scalar(select(Attempt).where(Attempt.user_id == staff.id))
    return web, lead, staff, attempt


def test_practice_gives_no_feedback_on_an_item_drawn_in_the_open_exam(app, make_client):
    """ASVS V4.1.3: practice gives no key of an item in the open attempt.

    ASVS 4.1.2: practice must not hand out the key of an item in the open attempt."""
    web, _lead, staff, attempt = _sitting(make_client)
    item = next(i for i in attempt.items if i.kind == "single")
    response = web.post("/exams/practice/answer", {"uid": item.snapshot["uid"], "q1": "A"})
    assert response.status_code == 302 and response.location.endswith("/exams/")
    page = web.get("/exams/").get_data(as_text=True)
    assert "交卷后才能练习" in page
    assert item.snapshot["explanation"] not in page
    assert db.session.scalar(select(func.count(PracticeAnswer.id))) == 0
    for url in ("/exams/practice", "/exams/wrong-book", "/exams/practice/question?topic=x"):
        assert web.get(url).status_code == 302
    # Once submitted, practice opens again.
    submit(attempt)
    assert web.get("/exams/practice").status_code == 200


def test_practice_never_answers_for_a_case_question(app, client):
    """ASVS V4.1.3: practice never returns a case question's reference answer.

    ASVS 4.1.2: a case question's reference answer is not practice material."""
    person("staff")
    client.login("staff")
    case_question = first_of_kind("essay", in_case=True)
    response = client.post("/exams/practice/answer", {"uid": case_question.uid, "q1": "随便写"})
    assert response.status_code == 404
    assert case_question.reference_answer[:20] not in response.get_data(as_text=True)


def _objective_paper(lead, title: str):
    now = utcnow()
    paper = create_paper(
        title=title, quarter="2026Q4", opens_at=now - timedelta(minutes=5),
        closes_at=now + timedelta(days=1), time_limit_minutes=60, pass_mark="1", created_by=lead,
    )  # fmt: skip
    uids = [first_of_kind(k).uid for k in ("single", "multi", "tf", "fill")]
    add_fixed_section(paper, title="一、客观题", question_uids=uids, points="2")
    publish(paper)
    return paper


def test_released_answers_fold_while_another_exam_is_open(app, make_client):
    """ASVS V4.1.3: released keys are folded while another exam is open.

    ASVS 4.1.2: a released result's keys could be those of items in the open exam."""
    lead = person("lead", Role.LEAD)
    staff = person("staff")
    done = start_attempt(_objective_paper(lead, "上季度考试"), staff)
    single = next(i for i in done.items if i.kind == "single")
    explanation = single.snapshot["explanation"][:15]
    submit(done)
    assert done.status == "released"  # all objective: graded and released at once
    web = make_client()
    web.login("staff")
    url = f"/exams/attempts/{done.id}/result"
    page = web.get(url + "/items").get_data(as_text=True)
    assert "正确答案" in page and explanation in page
    start_attempt(_objective_paper(lead, "本季度考试"), staff)
    page = web.get(url).get_data(as_text=True)
    assert "正确答案" not in page and explanation not in page and "逐题答案与解析" in page
    items = web.get(url + "/items")  # the items' own page sends them back to the summary
    assert items.status_code == 302 and items.headers["Location"].endswith(url)
