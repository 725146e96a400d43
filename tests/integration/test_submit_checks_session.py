"""交卷 from the page claims the attempt in a statement that checks the owner and the sign-in
session too (submission.submit_claimed); whatever it does not claim goes the long way,
checked, and a submission is graded once either way."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select

from exam_app.extensions import db
from exam_app.models import Attempt, AttemptItem, QuarterResult, Question, Role, ScoreEvent, User
from exam_app.models.base import utcnow
from exam_app.models.sign_in import LoginSession
from exam_app.services import submission
from exam_app.services.paper_sections import add_choice_section, add_fixed_section
from exam_app.services.papers import create_paper, publish
from tests.factories import key_response, person
from tests.integration.session_checks import sent
from tests.integration.test_save_checks_session import sitting  # noqa: F401 (a fixture)


def _submit(web, attempt_id: int):
    return sent(web, f"/exams/attempts/{attempt_id}/submit", "post")


def _state(attempt_id: int) -> tuple[str, int]:
    db.session.expire_all()
    events = db.session.scalar(
        select(func.count(ScoreEvent.id))
        .join(AttemptItem, AttemptItem.id == ScoreEvent.attempt_item_id)
        .where(AttemptItem.attempt_id == attempt_id)
    )  # fmt: skip
    return db.session.get(Attempt, attempt_id).status, events


def test_a_submission_is_a_handful_of_statements_graded_once(sitting, make_client):  # noqa: F811
    web, user, attempt, item = sitting
    items = len(attempt.items)
    # Someone else submits first: this worker then knows the paper's keys (by digest).
    submission.forget_keys()
    person("first", Role.STAFF)
    first = make_client()
    first.login("first")
    first.post(f"/exams/papers/{attempt.paper_id}/start")
    first_attempt = db.session.scalar(
        select(Attempt.id).where(Attempt.paper_id == attempt.paper_id, Attempt.id != attempt.id)
    )
    r, statements = _submit(first, first_attempt)
    assert r.status_code == 302 and _state(first_attempt) == ("released", items)
    assert sum("FROM item_snapshots" in s for s in statements) == 1  # the keys, read once
    attempt_id = attempt.id
    r, statements = _submit(web, attempt_id)
    assert r.status_code == 302 and r.location.endswith(f"/attempts/{attempt_id}/result")
    verbs = [s.lstrip().split()[0].upper() for s in statements]
    if db.engine.dialect.name == "postgresql":  # claim, items; scores, events, result, file
        assert verbs == ["UPDATE", "SELECT", "WITH"], verbs
    else:  # items graded before the claim (with the paper's release rule), scores, events,
        # result, file: the write lock from the claim on
        assert verbs == ["SELECT", "UPDATE", "UPDATE", "INSERT", "UPDATE", "INSERT"], verbs
    assert _state(attempt_id) == ("released", items)  # one event per item
    stored = db.session.get(Attempt, attempt_id)
    assert stored.total == sum(i.score for i in stored.items) and stored.total > 0
    # Pressed again (a second tab): nothing more is written, the result is shown.
    r, _ = _submit(web, attempt_id)
    assert r.status_code == 302 and _state(attempt_id) == ("released", items)


def test_a_choice_section_from_the_page_scores_and_files_what_counts(app, make_client):
    """An all-objective paper with a 任选 section, submitted from the page (the rush's way,
    past the session; on PostgreSQL scores, events, result and staff file in one statement):
    the first k answered count, with an event each; the others stay unscored, without one;
    the staff file has each section at what counted."""
    lead = person("lead", Role.LEAD)
    person("s", Role.STAFF)
    singles = db.session.scalars(
        select(Question).where(Question.kind == "single").order_by(Question.uid).limit(7)
    ).all()
    now = utcnow()
    paper = create_paper(title="2026年第4季度综合考试", quarter="2026Q4",
                         opens_at=now - timedelta(minutes=5), closes_at=now + timedelta(days=1),
                         time_limit_minutes=60, pass_mark="6", created_by=lead)  # fmt: skip
    add_fixed_section(paper, title="一、单选", question_uids=[singles[0].uid], points="4")
    add_choice_section(paper, title="二、任选 2 题", question_uids=[q.uid for q in singles[1:]],
                       choose_count=2, points_each="3")  # fmt: skip
    publish(paper)
    web = make_client()
    web.login("s")
    web.post(f"/exams/papers/{paper.id}/start")
    attempt = db.session.scalar(select(Attempt).where(Attempt.paper_id == paper.id))
    items = sorted(attempt.items, key=lambda i: i.position)
    answered = [items[0], items[2], items[4], items[5]]  # the choice section's 2nd, 4th, 5th
    for seq, item in enumerate(answered, 1):
        r = web.post_json(f"/exams/attempts/{attempt.id}/answers",
                          {"position": item.position, "response": key_response(item.snapshot),
                           "seq": seq})  # fmt: skip
        assert r.json["saved"]
    r, _ = _submit(web, attempt.id)
    assert r.status_code == 302 and r.location.endswith(f"/attempts/{attempt.id}/result")
    db.session.expire_all()
    stored = sorted(db.session.get(Attempt, attempt.id).items, key=lambda i: i.position)
    assert [(i.counted, i.score) for i in stored] == [
        (True, 4),
        (False, None),
        (True, 3),
        (False, None),
        (True, 3),
        (False, None),
        (False, None),
    ]
    events = db.session.scalars(
        select(ScoreEvent.attempt_item_id).join(AttemptItem).where(AttemptItem.attempt_id == attempt.id)
    ).all()  # fmt: skip
    assert sorted(events) == sorted(i.id for i in stored if i.counted)
    filed = db.session.scalar(select(QuarterResult).where(QuarterResult.attempt_id == attempt.id))
    assert filed.total == 10 and filed.max_total == 10 and filed.passed
    assert filed.sections == [{"title": "一、单选", "score": "4.00", "max": "4.00"},
                              {"title": "二、任选 2 题", "score": "6.00", "max": "6.00"}]  # fmt: skip


def test_a_closed_session_submits_nothing(sitting):  # noqa: F811
    """ASVS V3.3.1: a signed-out session submits nothing."""
    web, user, attempt, item = sitting
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    db.session.commit()
    r, _ = _submit(web, attempt.id)
    assert r.status_code == 302 and "/login" in r.location
    assert _state(attempt.id) == ("in_progress", 0)


def test_someone_elses_attempt_is_missing_and_stays_open(sitting, make_client):  # noqa: F811
    """ASVS V4.2.1: someone else's attempt cannot be submitted (IDOR)."""
    web, user, attempt, item = sitting
    person("o", Role.STAFF)
    other = make_client()
    other.login("o")
    r, _ = _submit(other, attempt.id)
    assert r.status_code == 404
    assert _state(attempt.id) == ("in_progress", 0)


def test_a_one_time_password_is_changed_before_submitting(sitting):  # noqa: F811
    """ASVS V2.3.1: no submission before a one-time password is changed."""
    web, user, attempt, item = sitting
    db.session.get(User, user.id).must_change_password = True
    db.session.commit()
    r, _ = _submit(web, attempt.id)
    assert r.status_code == 302 and "/account/password" in r.location
    assert _state(attempt.id) == ("in_progress", 0)


def test_the_claim_reads_this_papers_own_release_decision(sitting, make_client):  # noqa: F811
    """The release rule comes back with the claim (submission_sql.OF_PAPER): a lead's hold on
    this paper keeps its result back, and another paper's decision does not touch it."""
    from exam_app.models import QuarterResult, ResultRelease
    from tests.integration.test_keys_during_exam import _objective_paper

    web, user, attempt, _item = sitting
    lead = db.session.scalar(select(User).where(User.username == "lead"))
    other = _objective_paper(lead, "另一份试卷")
    db.session.add(ResultRelease(paper_id=other.id, state="held", decided_by_id=lead.id))
    db.session.commit()
    r, _ = _submit(web, attempt.id)
    assert r.status_code == 302 and _state(attempt.id)[0] == "released"

    second = person("second", Role.STAFF)
    held = make_client()
    held.login("second")
    held.post(f"/exams/papers/{attempt.paper_id}/start")
    db.session.add(ResultRelease(paper_id=attempt.paper_id, state="held", decided_by_id=lead.id))
    db.session.commit()
    second_attempt = db.session.scalar(select(Attempt.id).where(Attempt.user_id == second.id))
    r, _ = _submit(held, second_attempt)
    assert r.status_code == 302 and _state(second_attempt)[0] == "graded"
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(QuarterResult)
            .where(QuarterResult.user_id == second.id)
        )
        == 0
    )


def test_a_save_that_lands_between_early_grading_and_the_claim_is_graded(
    sitting,  # noqa: F811
    monkeypatch,
):
    """SQLite grades before the claim (submission._graded_early); a save another worker
    commits in between is seen by the claim's sums and the items are graded again."""
    import json
    import sqlite3

    from exam_app.models import ItemSnapshot
    from tests.factories import key_response

    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL reads the items after the claim")
    web, _user, attempt, first = sitting
    late = next(i for i in attempt.items if i.id != first.id and i.kind in ("single", "tf"))
    answer = key_response(db.session.get(ItemSnapshot, late.snapshot_id).content)
    path, late_id = db.engine.url.database, late.id
    plain_end_reads = submission.end_reads

    def another_worker_saves_meanwhile():
        plain_end_reads()
        other = sqlite3.connect(path)
        other.execute(
            "UPDATE attempt_items SET response = ?, save_seq = save_seq + 1 WHERE id = ?",
            (json.dumps(answer), late_id),
        )
        other.commit()
        other.close()

    monkeypatch.setattr(submission, "end_reads", another_worker_saves_meanwhile)
    r, _ = _submit(web, attempt.id)
    assert r.status_code == 302
    db.session.expire_all()
    stored = db.session.get(AttemptItem, late_id)
    assert stored.response == answer and stored.score == stored.points > 0
