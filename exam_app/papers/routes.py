from flask import abort, render_template, request
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from exam_app.extensions import db
from exam_app.models import Attempt, Paper, QuarterResult, Section, User
from exam_app.papers import bp
from exam_app.services.staff_files import staff_file as staff_file_of


def _paper(paper_id: int) -> Paper:
    return db.session.get(Paper, paper_id) or abort(404)


@bp.route("/")
def index():
    papers = db.session.scalars(
        select(Paper)
        .options(selectinload(Paper.sections).selectinload(Section.items))  # for the totals
        .order_by(Paper.created_at.desc())
    ).all()
    counts = dict(
        db.session.execute(select(Attempt.paper_id, func.count()).group_by(Attempt.paper_id)).all()
    )
    return render_template("papers/index.html", papers=papers, counts=counts)


@bp.route("/results")
def results():
    quarter = request.args.get("quarter", "")
    query = (
        select(QuarterResult, User)
        .join(User, QuarterResult.user_id == User.id)
        .order_by(QuarterResult.quarter.desc(), User.staff_no)
    )
    if quarter:
        query = query.where(QuarterResult.quarter == quarter)
    rows = db.session.execute(query).all()
    quarters = list(
        db.session.scalars(
            select(QuarterResult.quarter).distinct().order_by(QuarterResult.quarter.desc())
        )
    )
    return render_template("papers/results.html", rows=rows, quarters=quarters, quarter=quarter)


@bp.route("/staff/<int:user_id>")
def staff_file(user_id: int):
    person = db.session.get(User, user_id) or abort(404)
    return render_template(
        "records/staff_file.html", file=staff_file_of(person, for_lead=True), own=False
    )
