from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import lazyload

from exam_app.database import reads_first
from exam_app.exams import bp, result_view
from exam_app.extensions import db, login_manager
from exam_app.models import Attempt, Paper, Role
from exam_app.models.base import utcnow
from exam_app.records.forms import AppealForm
from exam_app.services import (
    ServiceError,
    attempt_page,
    autosave,
    my_exams,
    result_head,
    submission,
)
from exam_app.services import appeals as appeal_service
from exam_app.services import attempts as attempt_service
from exam_app.services import practice as practice_service
from exam_app.services.attempt_events import record_left_page, set_flag
from exam_app.services.errors import NotAllowed
from exam_app.services.result_sections import section_outcomes
from exam_app.services.results import item_feedback, items_for_result_page
from exam_app.services.sign_in import SessionEnded
from exam_app.services.submission import grace
from exam_app.web import attempt_html, result_html
from exam_app.web.errors import respond
from exam_app.web.exam_page import exam_page
from exam_app.web.session_user import checked, checks_session_itself


def _own_attempt(attempt_id: int, *also):
    """Someone else's attempt is a 404, not a 403: its existence is not disclosed.
    `also`: columns read in the same statement, returned with the attempt as a row."""
    row = db.session.execute(
        select(Attempt, *also).where(Attempt.id == attempt_id).options(lazyload(Attempt.user))
    ).first()  # the user is current_user: joining them again (with their roles) is wasted
    if row is None or row[0].user_id != current_user.id:
        abort(404)
    return row if also else row[0]


@bp.route("/")
@checks_session_itself(Role.STAFF)
def index():
    """The papers this person must sit, with window, status and result: one statement,
    which also reads who is signed in (the first page of everyone at the rush)."""
    now = utcnow()
    claim = current_user._get_current_object()
    rows = my_exams.rows_for_claim(claim, now)
    if rows is None:
        return checked(claim)[1]
    return render_template("exams/index.html", rows=rows, now=now)


@bp.route("/papers/<int:paper_id>/start", methods=["POST"])
@reads_first  # the whole centre at once: the write lock only for the claim (database.py)
@checks_session_itself(Role.STAFF)
def start(paper_id: int):
    claim = current_user._get_current_object()  # a SessionClaim: checked by the claim
    claimed = attempt_service.claim_prepared(paper_id, claim, attempt_page.HEAD_OF_STARTED)
    if claimed is not None:
        # The exam page in this response, not a redirect to it: at the opening minute a
        # second request per person is what the whole centre waits for. Its address is
        # the attempt's (attempt.js puts it in the address bar), so a reload reads it. Its
        # heading was read with the claim (one round trip to PostgreSQL for both).
        return _exam_page(claim, *claimed)
    # Nothing prepared, or something else: the long way, checked, then to the page.
    user, refusal = checked(claim)
    if refusal is not None:
        return refusal
    paper = db.session.get(Paper, paper_id) or abort(404)
    try:
        attempt_id = attempt_service.start(paper, user)
    except ServiceError as e:
        flash(e.message, "error")
        if paper.status == "published" and utcnow() < paper.opens_at:
            # Pressed before the window opened (a fast clock): back to the waiting room.
            return redirect(url_for("exams.notice", paper_id=paper_id))
        return redirect(url_for("exams.index"))
    return redirect(url_for("exams.take", attempt_id=attempt_id))


@bp.route("/attempts/<int:attempt_id>")
@checks_session_itself(Role.STAFF)
def take(attempt_id: int):
    return _exam_page(current_user._get_current_object(), attempt_id)


def _exam_page(claim, attempt_id: int, head_rows: list | None = None):
    """The exam page, read as plain columns (attempt_page.py): a hundred items per candidate
    at the rush; the heading's statement checks the session too."""
    attempt, signed_in = attempt_page.head_for_claim(claim, attempt_id, head_rows)
    if not signed_in:
        return checked(claim)[1]
    if attempt is None:
        if (paper_id := attempt_service.prepared_paper(attempt_id, claim.id)) is not None:
            flash("本场考试尚未开始作答，请点击「开始作答」。", "warning")  # a start lost
            return redirect(url_for("exams.notice", paper_id=paper_id))
        abort(404)
    now = utcnow()
    if attempt.status == "in_progress" and now > attempt.deadline_at + grace():
        attempt_service.close_if_overdue(_own_attempt(attempt_id), now)
        return redirect(url_for("exams.result", attempt_id=attempt_id))
    if attempt.status != "in_progress":
        return redirect(url_for("exams.result", attempt_id=attempt_id))
    sections = {s["position"]: s for s in attempt.sections or []}
    items = attempt_page.items(attempt)
    navigator, questions = attempt_html.attempt_html(items, sections)
    page = exam_page(attempt, items, navigator, questions, _remaining(attempt, now))
    # Where this page lives, also when the start's POST answered with it (RFC 9110 8.7).
    return page, {"Content-Location": url_for("exams.take", attempt_id=attempt_id)}


def _remaining(attempt: Attempt, now) -> int:
    return max(0, int((attempt.deadline_at - now).total_seconds()))


@bp.route("/attempts/<int:attempt_id>/clock")
def clock(attempt_id: int):
    """The server's clock for the countdown: the page corrects its own drift with it."""
    attempt = _own_attempt(attempt_id)
    now = utcnow()
    attempt_service.close_if_overdue(attempt, now)
    return jsonify(ok=True, status=attempt.status, remaining=_remaining(attempt, now))


@bp.route("/attempts/<int:attempt_id>/flags", methods=["POST"])
def flag(attempt_id: int):
    attempt = _own_attempt(attempt_id)
    data = request.get_json(silent=True)
    if not isinstance(data, dict) or not isinstance(data.get("position"), int):
        return jsonify(ok=False, error="请求格式无效。"), 400
    try:
        set_flag(attempt, data["position"], bool(data.get("flagged")))
    except ServiceError as e:
        return jsonify(ok=False, error=e.message), e.status
    return jsonify(ok=True)


@bp.route("/attempts/<int:attempt_id>/left-page", methods=["POST"])
def left_page(attempt_id: int):
    attempt = _own_attempt(attempt_id)
    closed = record_left_page(attempt)
    return jsonify(ok=True, closed=closed, switches=attempt.tab_switches, status=attempt.status)


@bp.route("/attempts/<int:attempt_id>/answers", methods=["POST"])
@reads_first
@checks_session_itself(Role.STAFF)
def save(attempt_id: int):
    # The hottest route of an exam: one UPDATE checks the session and stores the answer (see
    # save_by_id); the body is checked only after the attempt proved to be this person's
    # (else 404, as pages).
    data = request.get_json(silent=True)
    data = data if isinstance(data, dict) else {}
    claim = current_user._get_current_object()  # a SessionClaim: checked by the UPDATE
    try:
        result = autosave.save_by_id(attempt_id, claim.id, data.get("position"),
                                            data.get("response"), data.get("seq"), claim=claim)  # fmt: skip
    except SessionEnded:
        return login_manager.unauthorized()
    except NotAllowed as e:  # the role or a one-time password, as the other pages answer
        return respond(403, e.message)
    except autosave.SaveRefused as e:
        return jsonify(ok=False, error=e.message, status=e.attempt_status), e.status
    except ServiceError as e:
        return jsonify(ok=False, error=e.message), e.status
    return jsonify(
        ok=True,
        saved=result.saved,
        seq=result.seq,
        saved_at=result.saved_at.isoformat() + "Z",
        remaining=max(0, int((result.deadline_at - utcnow()).total_seconds())),
    )


@bp.route("/attempts/<int:attempt_id>/submit", methods=["POST"])
@reads_first  # the write lock from the claim to the commit, not while reading who and what
@checks_session_itself(Role.STAFF)
def submit(attempt_id: int):
    claim = current_user._get_current_object()  # a SessionClaim: checked by the claim
    submitted = submission.submit_claimed(attempt_id, claim)
    if not submitted:  # submitted before, not theirs, or a closed session: checked, the long way
        _user, refusal = checked(claim)
        if refusal is not None:
            return refusal
        submitted = attempt_service.submit(_own_attempt(attempt_id))
    if submitted:
        # Only that: the result page says what comes next (the result, or what it waits for),
        # and an all-objective paper promises no 主观题评阅.
        flash("已交卷。", "success")
    return redirect(url_for("exams.result", attempt_id=attempt_id))


def _finished(attempt_id: int):
    """(this person's attempt, released, keys closed), or where to go instead (still open)."""
    # While another exam of theirs is open, released answers stay folded: an item of this
    # paper may have been drawn in that one too (read with the attempt: a statement less).
    attempt, other_open = _own_attempt(
        attempt_id, practice_service.other_exam_in_progress(current_user.id, attempt_id)
    )
    attempt_service.close_if_overdue(attempt, utcnow())
    if attempt.status == "in_progress":
        return redirect(url_for("exams.take", attempt_id=attempt.id))
    released = attempt.status == "released"
    keys_closed = released and other_open
    return attempt, released, keys_closed


@bp.route("/attempts/<int:attempt_id>/result")
@checks_session_itself(Role.STAFF)
def result(attempt_id: int):
    """Where 交卷 lands: the score, the verdict and the sections, the whole centre in the same
    minutes. Each item with its key and 解析 is one click away (result_items): drawing a
    hundred of them for everyone at once cost more than the submission itself. The attempt
    is read with who is signed in (result_head.py), the sections' counts in one more."""
    claim = current_user._get_current_object()
    attempt, signed_in = result_head.for_claim(claim, attempt_id)
    if not signed_in:
        return checked(claim)[1]
    if attempt is None:
        abort(404)
    if attempt.status == "in_progress":  # still open, or past its time: then closed first
        if not attempt_service.close_if_overdue(_own_attempt(attempt_id), utcnow()):
            return redirect(url_for("exams.take", attempt_id=attempt_id))
        attempt, _signed_in = result_head.for_claim(claim, attempt_id)
    released = attempt.status == "released"
    # While another exam of theirs is open, released answers stay folded: an item of this
    # paper may have been drawn in that one too.
    keys_closed = released and attempt.other_exam_open
    deadline = appeal_service.appeal_deadline(attempt)
    summary = waiting = None
    if released and not keys_closed:
        summary = result_view.summary_of(section_outcomes(attempt.id))
    elif not released:
        waiting = result_view.waiting_message(attempt.status, attempt.has_essay)
    return render_template(
        "exams/result.html",
        attempt=attempt,
        released=released,
        appeal_deadline=deadline,
        calendar_notice=appeal_service.calendar_notice(attempt, deadline),
        may_appeal=appeal_service.within_period(deadline, utcnow()),
        keys_closed=keys_closed,
        summary=summary,
        count_labels=result_view.COUNT_LABELS,
        waiting=waiting,
    )


@bp.route("/attempts/<int:attempt_id>/result/items")
def result_items(attempt_id: int):
    """Each item marked right, partly right or wrong, with the candidate's answer, the key,
    解析 and reviews, and the appeal form while the period runs (released results only)."""
    finished = _finished(attempt_id)
    if not isinstance(finished, tuple):
        return finished
    attempt, released, keys_closed = finished
    if not released or keys_closed:  # the summary says why there is nothing to see yet
        return redirect(url_for("exams.result", attempt_id=attempt.id))
    only_wrong = request.args.get("only") == "wrong"
    deadline = appeal_service.appeal_deadline(attempt)
    may_appeal = appeal_service.within_period(deadline, utcnow())
    appeals = appeal_service.appeals_by_item(attempt)
    items = items_for_result_page(attempt)
    summary = result_view.summarise(items)
    items_html = result_html.result_items(
        items,
        # The marks the final score rests on: only answers a reviewer read have any.
        reviews=item_feedback(attempt) if any(i.kind == "essay" for i in items) else {},
        appeals=appeals,
        only_wrong=only_wrong,
        **result_html.appeal_drawing(appeals, may_appeal, AppealForm()),
    )
    return render_template(
        "exams/result_items.html",
        attempt=attempt,
        items_html=items_html,
        summary=summary,
        appeal_deadline=deadline,
        may_appeal=may_appeal,
        only_wrong=only_wrong,
    )
