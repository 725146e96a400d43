"""The reviewer's queue: claims that keep others off and run out, blind pages, no self-review."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from exam_app.extensions import db
from exam_app.models import AttemptItem, MarkingTask, Review, Role, ScoreEvent, User
from exam_app.models.base import utcnow
from exam_app.services import ServiceError
from exam_app.services.claims import claim, claim_next, queue, waiting_count
from exam_app.services.reviews import record_review
from tests.factories import person
from tests.marking_fixtures import KEY_POINT, fresh, marking_paper, marks, sit


@pytest.fixture
def answer(app):
    """One submitted essay by 测试xiaoming (客服一部), waiting for a single mark."""
    lead = person("lead", Role.LEAD, department="培训中心")
    staff = person("xiaoming", Role.STAFF, department="客服一部")
    person("alice", Role.REVIEWER, department="培训中心")
    person("bob", Role.REVIEWER, department="培训中心")
    return sit(marking_paper(lead), staff)


def _user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def _signed_in(make_client, username):
    web = make_client()
    web.login(username)
    return web


def test_the_queue_lists_the_answer_by_candidate_code_and_question(answer):
    alice, now = _user("alice"), utcnow()
    rows = queue(alice, now)
    assert [(r.item_id, r.candidate_code) for r in rows] == [
        (answer.id, answer.attempt.candidate_code)
    ]
    assert queue(alice, now, question_id=answer.question_id)[0].item_id == answer.id
    assert queue(alice, now, question_id=answer.question_id + 999) == []
    assert (
        queue(alice, now, candidate=answer.attempt.candidate_code.lower())[0].item_id == answer.id
    )
    assert queue(alice, now, candidate="NOSUCH") == []
    assert waiting_count(alice, now) == 1


def test_a_claim_keeps_others_off_until_it_runs_out(answer, app):
    alice, bob, now = _user("alice"), _user("bob"), utcnow()
    task = claim(answer, alice, now)
    assert task.holder_id == alice.id and task.expires_at == now + timedelta(minutes=30)
    assert queue(bob, now) == [] and waiting_count(bob, now) == 0
    assert queue(alice, now)[0].mine
    with pytest.raises(ServiceError, match="已由其他阅卷人领取") as refused:
        claim(answer, bob, now)
    assert refused.value.status == 409
    with pytest.raises(ServiceError, match="已由其他阅卷人领取"):
        record_review(answer, bob, marks(5), now=now + timedelta(minutes=29))
    assert db.session.scalar(select(func.count(Review.id))) == 0

    # Left for 31 minutes: Bob may take it over, and Alice's late marks are refused.
    later = now + timedelta(minutes=31)
    assert [r.item_id for r in queue(bob, later)] == [answer.id]
    assert claim(answer, bob, later).holder_id == bob.id
    with pytest.raises(ServiceError, match="您的领取可能已过期"):
        record_review(answer, alice, marks(9), now=later)
    record_review(answer, bob, marks(6), now=later)
    item = fresh(AttemptItem, answer.id)
    assert item.score == 6 and not item.needs_review
    assert [r.reviewer_id for r in db.session.scalars(select(Review))] == [bob.id]


def test_a_claim_lasts_as_configured(answer, app):
    app.config["REVIEW_CLAIM_MINUTES"] = 5
    now = utcnow()
    assert claim(answer, _user("alice"), now).expires_at == now + timedelta(minutes=5)


def test_marks_given_on_an_unclaimed_answer_claim_and_close_it_at_once(answer):
    record_review(answer, _user("alice"), marks(7), "要点齐全")
    assert fresh(AttemptItem, answer.id).score == 7
    with pytest.raises(ServiceError, match="已评阅"):
        record_review(answer, _user("bob"), marks(3))


def _race(app, call, usernames) -> tuple[list, list]:
    """Run call(user) for each user at the same moment, each in its own POST request
    context (its own session and connection, and on SQLite a write transaction begun
    IMMEDIATE), as concurrent requests would."""
    barrier = threading.Barrier(len(usernames))
    won, lost = [], []

    def run(username):
        with app.test_request_context(method="POST"):
            user = _user(username)
            db.session.commit()  # hold no lock while waiting for the other thread
            barrier.wait(timeout=30)
            try:
                won.append(call(user))
            except ServiceError as e:
                lost.append(e)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(u,)) for u in usernames]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    db.session.commit()  # end this thread's read snapshot: the racers committed since
    return won, lost


def test_two_reviewers_claiming_at_once_get_the_answer_once(answer, app):
    now, item_id = utcnow(), answer.id
    won, lost = _race(
        app, lambda user: claim(db.session.get(AttemptItem, item_id), user, now), ["alice", "bob"]
    )
    assert len(won) == 1 and len(lost) == 1 and lost[0].status == 409
    task = fresh(MarkingTask, won[0].id)
    assert task.holder_id in (_user("alice").id, _user("bob").id)


def test_two_reviewers_submitting_at_once_mark_the_answer_once(answer, app):
    item_id = answer.id
    won, lost = _race(
        app,
        lambda user: record_review(db.session.get(AttemptItem, item_id), user, marks(5)),
        ["alice", "bob"],
    )
    assert len(won) == 1 and len(lost) == 1 and lost[0].status == 409
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Review.id))) == 1
    assert db.session.scalar(select(func.count(ScoreEvent.id)).where(
        ScoreEvent.attempt_item_id == answer.id)) == 1  # fmt: skip


def test_the_claim_and_the_marks_are_refused_by_the_database_even_after_a_stale_check(
    answer, monkeypatch
):
    """The checks before the UPDATE may read a row that changes a moment later; the
    conditional UPDATE itself must refuse. Simulate the stale read by blinding the check."""
    alice, bob, now = _user("alice"), _user("bob"), utcnow()
    claim(answer, alice, now)
    monkeypatch.setattr(MarkingTask, "held_by_someone_else", lambda self, user_id, now: False)
    with pytest.raises(ServiceError) as refused:
        claim(answer, bob, now)
    assert refused.value.status == 409
    with pytest.raises(ServiceError) as refused:
        record_review(answer, bob, marks(5), now=now)
    assert refused.value.status == 409
    task = fresh(MarkingTask, db.session.scalar(select(MarkingTask.id)))
    assert (task.holder_id, task.status) == (alice.id, "open")
    assert db.session.scalar(select(func.count(Review.id))) == 0


def test_nobody_reviews_their_own_answers(app, make_client):
    lead = person("lead", Role.LEAD)
    both = person("both", Role.REVIEWER, Role.STAFF)  # a reviewer who also sits the exam
    item = sit(marking_paper(lead), both)
    assert queue(both, utcnow()) == [] and waiting_count(both, utcnow()) == 0
    with pytest.raises(ServiceError, match="不能评阅自己的答卷") as refused:
        claim(item, both, utcnow())
    assert refused.value.status == 403
    with pytest.raises(ServiceError, match="不能评阅自己的答卷"):
        record_review(item, both, marks(10))
    web = _signed_in(make_client, "both")
    assert web.get(f"/review/items/{item.id}").status_code == 403
    assert web.post(f"/review/items/{item.id}", marks_form(10)).status_code == 403
    assert web.post(f"/review/items/{item.id}/claim").status_code == 403
    assert fresh(AttemptItem, item.id).needs_review


def marks_form(total, comment=""):
    return {f"c-{k}": v for k, v in marks(total).items()} | {"comment": comment}


def _review_get_routes(app, item_id):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("review.") and "GET" in rule.methods:
            yield rule.rule.replace("<int:item_id>", str(item_id))


def test_reviewer_pages_never_show_who_the_candidate_is(answer, app, make_client):
    candidate = fresh(User, answer.attempt.user_id)
    hidden = [candidate.name, candidate.staff_no, candidate.department.name, candidate.username]
    web = _signed_in(make_client, "alice")
    code, paper_id = answer.attempt.candidate_code, answer.attempt.paper_id
    pages = [web.get(url) for url in _review_get_routes(app, answer.id)]
    assert len(pages) == 2  # the queue and the grading page: extend `pages` if this grows
    pages += [
        web.get(f"/review/?paper={paper_id}&question={answer.question_id}"),
        web.get(f"/review/?candidate={code}"),
        web.post(f"/review/items/{answer.id}/claim", follow_redirects=True),
        web.get(f"/review/items/{answer.id}"),
        web.post(f"/review/items/{answer.id}", marks_form(11)),  # refused: out of range
        web.post(f"/review/items/{answer.id}", marks_form(8, "依据充分"), follow_redirects=True),
        web.get(f"/review/items/{answer.id}"),  # after marking
        web.http.get(f"/review/items/{answer.id + 999}", headers={"Accept": "application/json"}),
    ]
    assert any(code in p.get_data(as_text=True) for p in pages)
    for page in pages:
        body = page.get_data(as_text=True)
        for secret in hidden:
            assert secret not in body, (page.request.path, secret)


def test_points_outside_the_rubric_are_refused_in_chinese_and_change_nothing(answer, make_client):
    web = _signed_in(make_client, "alice")
    url = f"/review/items/{answer.id}"
    web.post(f"{url}/claim")
    for form, message in [
        ({"c-c1": "4.5", "c-c2": "6"}, "「事实认定」的得分 4.5 超出范围 0–4"),
        ({"c-c1": "-1", "c-c2": "6"}, "「事实认定」的得分 -1 超出范围 0–4"),
        ({"c-c1": "3.3", "c-c2": "6"}, "「事实认定」的得分 3.3 不是 0.5 的整数倍"),
        ({"c-c1": "三", "c-c2": "6"}, "「事实认定」的得分「三」不是有效的数字"),
        ({"c-c1": "4", "c-c2": ""}, "「收益归属」尚未评分"),
    ]:
        page = web.post(url, form).get_data(as_text=True)
        assert message in page, message
    item = fresh(AttemptItem, answer.id)
    assert item.needs_review and item.score is None
    assert db.session.scalar(select(func.count(Review.id))) == 0
    task = db.session.scalar(select(MarkingTask).where(MarkingTask.attempt_item_id == item.id))
    assert task.status == "open" and task.holder_id == _user("alice").id


def test_the_grading_page_hints_the_key_points_the_answer_makes(answer, make_client):
    web = _signed_in(make_client, "alice")
    page = web.get(f"/review/items/{answer.id}").get_data(as_text=True)
    assert f"<mark>{KEY_POINT}</mark>" in page
    assert "<mark>主要用于补充专项维修资金</mark>" not in page
    assert "主要用于补充专项维修资金" in page and "似已提及" in page


def test_a_reviewer_claims_then_marks_through_the_pages(answer, make_client):
    web = _signed_in(make_client, "alice")
    queue_page = web.get("/review/").get_data(as_text=True)
    assert answer.attempt.candidate_code in queue_page and "领取评阅" in queue_page
    r = web.post(f"/review/items/{answer.id}/claim")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/review/items/{answer.id}")
    page = web.get(f"/review/items/{answer.id}").get_data(as_text=True)
    assert "您已领取这道题" in page and "放弃领取" in page
    bob = _signed_in(make_client, "bob")
    assert "正由其他阅卷人评阅" in bob.get(f"/review/items/{answer.id}").get_data(as_text=True)
    assert answer.attempt.candidate_code not in bob.get("/review/").get_data(as_text=True)
    r = web.post(f"/review/items/{answer.id}", marks_form(9, "要点齐全"), follow_redirects=True)
    assert "已评分" in r.get_data(as_text=True)
    assert fresh(AttemptItem, answer.id).score == 9


def test_giving_a_claim_back_frees_the_answer(answer, make_client):
    web = _signed_in(make_client, "alice")
    web.post(f"/review/items/{answer.id}/claim")
    assert "已放弃领取" in web.post(
        f"/review/items/{answer.id}/give-back", follow_redirects=True
    ).get_data(as_text=True)
    assert queue(_user("bob"), utcnow())[0].item_id == answer.id


def test_marking_one_question_across_candidates(app, make_client):
    lead = person("lead", Role.LEAD)
    person("alice", Role.REVIEWER)
    paper = marking_paper(lead)
    items = [sit(paper, person(f"s{n}", Role.STAFF)) for n in range(3)]
    web = _signed_in(make_client, "alice")
    summary = web.get("/review/").get_data(as_text=True)
    assert "按题连续评阅" in summary
    r = web.post("/review/next", {"paper": paper.id, "question": items[0].question_id})
    url = r.headers["Location"]
    for expected in items:  # oldest submission first, each claimed in turn
        assert f"/review/items/{expected.id}?mode=question" in url
        r = web.post(url, marks_form(6) | {"mode": "question"})
        url = r.headers["Location"]
    assert url.endswith("/review/")
    assert all(fresh(AttemptItem, i.id).score == 6 for i in items)
    assert claim_next(_user("alice"), utcnow()) is None


def test_reviewers_see_how_many_answers_wait_on_every_page(answer, make_client):
    web = _signed_in(make_client, "alice")
    for url in ("/review/", "/no-such-page"):
        nav = web.get(url).get_data(as_text=True).split("</nav>")[0]
        assert re.search(
            r'<span class="badge" title="待评答卷" id="review-waiting"[^>]*>1</span>', nav
        )
    record_review(answer, _user("bob"), marks(5))
    assert 'id="review-waiting"' not in web.get("/review/").get_data(as_text=True)


def test_the_waiting_count_is_one_query(answer, app):
    alice, statements = _user("alice"), []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert waiting_count(alice, utcnow()) == 1
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(statements) == 1
