"""Practice by topic with immediate feedback, and the wrong-answer book."""

import random
from types import SimpleNamespace

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from exam_app.exams import bp
from exam_app.exams.presenters import candidate_view, describe_key, describe_response
from exam_app.extensions import db
from exam_app.models import Question
from exam_app.services import ServiceError
from exam_app.services import practice as practice_service


def _as_item(question: Question, response=None) -> SimpleNamespace:
    """Shaped like an attempt item (never stored) so practice pages reuse its rendering."""
    return SimpleNamespace(
        position=1, section_position=0, section_title="", kind=question.kind,
        points=question.points, snapshot=question.snapshot(), response=response,
        save_seq=0, flagged=False, counted=True, option_order=None,
    )  # fmt: skip


def response_from_form(question: Question, form) -> object:
    name = "q1"
    if question.kind == "multi":
        return form.getlist(name)
    if question.kind == "tf":
        value = form.get(name)
        return None if value is None else value == "true"
    if question.kind == "fill":
        blanks = len(question.key.get("blanks", []))
        return [form.get(f"{name}-{n}", "") for n in range(blanks)]
    return form.get(name) or None


def _closed_during_exam():
    """A redirect to 我的考试 with the reason, while the person sits an exam; else None."""
    if practice_service.exam_in_progress(current_user):
        flash(practice_service.CLOSED_DURING_EXAM, "warning")
        return redirect(url_for("exams.index"))
    return None


@bp.route("/practice")
def practice():
    if closed := _closed_during_exam():
        return closed
    return render_template("exams/practice_topics.html", topics=practice_service.topics())


@bp.route("/practice/question")
def practice_question():
    if closed := _closed_during_exam():
        return closed
    topic = request.args.get("topic", "")
    if request.args.get("mode") == "wrong":
        entries = practice_service.wrong_book(current_user)
        if not entries:
            flash("错题本已清空，继续保持！", "success")
            return redirect(url_for("exams.wrong_book"))
        question = random.choice(entries).question
    else:
        question = practice_service.next_question(current_user, topic)
        if question is None:
            abort(404)
    return render_template(
        "exams/practice_question.html",
        q=candidate_view(_as_item(question)),
        question=question,
        topic=topic,
        mode=request.args.get("mode", ""),
    )


@bp.route("/practice/answer", methods=["POST"])
def practice_answer():
    if closed := _closed_during_exam():
        return closed
    question = db.session.scalar(
        select(Question).where(Question.uid == request.form.get("uid", ""))
    )
    if question is None or question.case_id is not None or question.status != "reviewed":
        abort(404)  # not an item practice offers
    topic, mode = request.form.get("topic", ""), request.form.get("mode", "")
    try:
        feedback = practice_service.answer(
            current_user, question, response_from_form(question, request.form)
        )
    except ServiceError as e:
        flash(e.message, "error")
        return redirect(url_for("exams.practice_question", topic=topic, mode=mode))
    item = _as_item(question, feedback.response)
    return render_template(
        "exams/practice_feedback.html",
        feedback=feedback,
        q=candidate_view(item),
        answer=describe_response(item),
        key=describe_key(item),
        topic=topic,
        mode=mode,
    )


@bp.route("/wrong-book")
def wrong_book():
    if closed := _closed_during_exam():
        return closed
    return render_template(
        "exams/wrong_book.html", entries=practice_service.wrong_book(current_user)
    )
