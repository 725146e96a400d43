"""Practice by topic with immediate feedback, and the wrong-answer book (错题本).

Practice records each answer for the person's own history; it never reaches the staff
file. The wrong-answer book is derived from that history and from released exams, so it
cannot drift: an item is in it while the person's latest outcome for it is wrong.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import aliased

from exam_app.extensions import db
from exam_app.grading import AUTO_KINDS, score_item
from exam_app.models import Attempt, AttemptItem, PracticeAnswer, Question, User
from exam_app.models.base import utcnow
from exam_app.services.errors import ServiceError
from exam_app.services.responses import check_response


def topics() -> list[tuple[str, int]]:
    """Topics with their number of reviewed items outside cases."""
    rows = db.session.execute(
        select(Question.topic, func.count(Question.id))
        .where(Question.status == "reviewed", Question.case_id.is_(None))
        .group_by(Question.topic)
        .order_by(Question.topic)
    )
    return [(topic, count) for topic, count in rows]


def _answered_right(user: User) -> set[int]:
    rows = db.session.scalars(
        select(PracticeAnswer.question_id).where(
            PracticeAnswer.user_id == user.id, PracticeAnswer.correct.is_(True)
        )
    )
    return set(rows)


def next_question(user: User, topic: str, rng: random.Random | None = None) -> Question | None:
    """An item of the topic, preferring those the person has not yet answered right."""
    rng = rng or random.Random()
    pool = db.session.scalars(
        select(Question)
        .where(Question.topic == topic, Question.status == "reviewed", Question.case_id.is_(None))
        .order_by(Question.uid)
    ).all()
    if not pool:
        return None
    right = _answered_right(user)
    fresh = [q for q in pool if q.id not in right]
    return rng.choice(fresh or list(pool))


@dataclass(frozen=True)
class Feedback:
    question: Question
    response: Any
    correct: bool | None  # None: an essay, compared with the reference by the person
    score_fraction: str


CLOSED_DURING_EXAM = "您有一场考试正在进行，交卷后才能练习和查看错题本。"


def exam_in_progress(user: User) -> bool:
    """Whether the person is sitting an exam: practice, the wrong-answer book and released
    answers are then closed to them, since any of them could show the key of an item drawn
    in that exam (the rule of Chinese exam systems: no feedback while an exam is open)."""
    return (
        db.session.scalar(
            select(Attempt.id)
            .where(Attempt.user_id == user.id, Attempt.status == "in_progress")
            .limit(1)
        )
        is not None
    )


_other = aliased(Attempt)  # made once: an alias builds a proxy of every column


def other_exam_in_progress(user_id: int, attempt_id: int):
    """exam_in_progress as a column, for a statement that reads one attempt of theirs: whether
    another is open (the attempt itself is the caller's to look at)."""
    return (
        exists()
        .where(_other.user_id == user_id, _other.status == "in_progress", _other.id != attempt_id)
        .label("other_exam_in_progress")
    )


def answer(user: User, question: Question, response: Any, now: datetime | None = None) -> Feedback:
    if question.status != "reviewed" or question.case_id is not None:
        # Practice offers reviewed items outside cases only: a case question's reference
        # answer is for reviewers and released results, never for a guessed uid.
        raise ServiceError("这道题不在练习范围内。", status=404)
    if exam_in_progress(user):
        raise ServiceError(CLOSED_DURING_EXAM, status=409)
    value = check_response(question.kind, {"options": question.options, "key": question.key},
                           response)  # fmt: skip
    correct: bool | None = None
    fraction = ""
    if question.kind in AUTO_KINDS:
        outcome = score_item(question.kind, question.key, value, question.points, question.rule)
        correct = outcome.full
        fraction = f"{outcome.score.normalize():f} / {outcome.points.normalize():f}"
    db.session.add(
        PracticeAnswer(
            user_id=user.id,
            question_id=question.id,
            response=value,
            correct=correct,
            answered_at=now or utcnow(),
        )
    )
    db.session.commit()
    return Feedback(question, value, correct, fraction)


@dataclass(frozen=True)
class WrongEntry:
    question: Question
    last_wrong_at: datetime
    source: str  # "练习" or the paper's title


def wrong_book(user: User) -> list[WrongEntry]:
    """Objective items whose latest outcome for this person is wrong."""
    latest: dict[int, tuple[datetime, bool, str]] = {}

    def note(question_id: int, at: datetime, right: bool, source: str) -> None:
        if question_id not in latest or at >= latest[question_id][0]:
            latest[question_id] = (at, right, source)

    for row in db.session.execute(
        select(
            PracticeAnswer.question_id, PracticeAnswer.answered_at, PracticeAnswer.correct
        ).where(PracticeAnswer.user_id == user.id, PracticeAnswer.correct.is_not(None))
    ):
        note(row.question_id, row.answered_at, bool(row.correct), "练习")
    for item, attempt in db.session.execute(
        select(AttemptItem, Attempt)
        .join(Attempt, AttemptItem.attempt_id == Attempt.id)
        .where(
            Attempt.user_id == user.id,
            Attempt.status == "released",
            AttemptItem.kind.in_(AUTO_KINDS),
            AttemptItem.counted.is_(True),
            AttemptItem.question_id.is_not(None),
        )
    ):
        note(item.question_id, attempt.released_at, item.score == item.points, attempt.paper.title)
    wrong = {qid: v for qid, v in latest.items() if not v[1]}
    if not wrong:
        return []
    questions = {
        q.id: q for q in db.session.scalars(select(Question).where(Question.id.in_(wrong)))
    }
    entries = [
        WrongEntry(questions[qid], at, source)
        for qid, (at, _right, source) in wrong.items()
        if qid in questions
    ]
    return sorted(entries, key=lambda e: e.last_wrong_at, reverse=True)
