"""考试须知: the page between 「我的考试」 and the clock. Its 开始作答 posts to the start route.

Before the window opens it is the waiting room (候考): the whole centre reads the rules
there and its 开始作答 wakes up when the window opens, so the rush at the opening minute is
the start and the exam page alone, not a reload of 「我的考试」 and this page too.
"""

from flask import abort, flash, jsonify, redirect, render_template, url_for
from flask_login import current_user

from exam_app.exams import bp
from exam_app.models.base import utcnow
from exam_app.services.exam_notice import notice_for


@bp.route("/papers/<int:paper_id>/notice")
def notice(paper_id: int):
    found = notice_for(paper_id, current_user)
    if found is None or not found.may_sit:
        abort(404)  # a draft, or a paper not theirs: its existence is not disclosed
    if found.in_progress_id is not None:  # resuming: straight back to the questions
        return redirect(url_for("exams.take", attempt_id=found.in_progress_id))
    now = utcnow()
    opens_in = found.opens_in(now)
    if opens_in is None and not found.is_open(now):
        flash("这场考试不在开放时间内，不能开始作答。", "error")
        return redirect(url_for("exams.index"))
    if found.attempts_left == 0:
        flash("这份试卷的作答次数已用完。", "error")
        return redirect(url_for("exams.index"))
    return render_template("exams/notice.html", notice=found, opens_in=opens_in)


@bp.route("/papers/<int:paper_id>/opens-in")
def opens_in(paper_id: int):
    """The waiting room's clock: seconds until the window opens, by the server's clock. The
    page asks every few minutes, which also keeps a long wait from ending the sign-in."""
    found = notice_for(paper_id, current_user)
    if found is None or not found.may_sit:
        abort(404)
    now = utcnow()
    return jsonify(ok=True, opens_in=found.opens_in(now) or 0, open=found.is_open(now))
