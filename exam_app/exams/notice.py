"""考试须知: the page between 「我的考试」 and the clock. Its 开始作答 posts to the start route."""

from flask import abort, flash, redirect, render_template, url_for
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
    if not found.is_open(utcnow()):
        flash("这场考试不在开放时间内，不能开始作答。", "error")
        return redirect(url_for("exams.index"))
    if found.attempts_left == 0:
        flash("这份试卷的作答次数已用完。", "error")
        return redirect(url_for("exams.index"))
    return render_template("exams/notice.html", notice=found)
