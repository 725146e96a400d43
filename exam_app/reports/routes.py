import re

from flask import abort, render_template
from markupsafe import Markup

from exam_app.extensions import db
from exam_app.models import Paper
from exam_app.reporting.analysis import BINS
from exam_app.reporting.svg import band_labels, histogram_svg
from exam_app.reports import bp
from exam_app.reports.downloads import download
from exam_app.services import report_exports
from exam_app.services.reports import Scope, build_report, report_choices

QUARTER = re.compile(r"\d{4}Q[1-4]")


def _paper_scope(paper_id: int) -> Scope:
    paper = db.session.get(Paper, paper_id)
    if paper is None or paper.kind != "exam":
        abort(404)
    return Scope(paper=paper)


def _quarter(quarter: str) -> str:
    if not QUARTER.fullmatch(quarter):
        abort(404)
    return quarter


def _render(scope: Scope):
    report = build_report(scope)
    chart = histogram_svg(report.histogram, band_labels(BINS), f"{scope.title} 得分率分布")
    # The chart is built from numbers and escaped labels only (reporting/svg.py).
    return render_template("reports/report.html", report=report, chart=Markup(chart))


@bp.route("/")
def index():
    papers, quarters = report_choices()
    return render_template("reports/index.html", papers=papers, quarters=quarters)


@bp.route("/paper/<int:paper_id>")
def paper(paper_id: int):
    return _render(_paper_scope(paper_id))


@bp.route("/quarter/<quarter>")
def quarter(quarter: str):
    return _render(Scope(quarter=_quarter(quarter)))


@bp.route("/paper/<int:paper_id>/items.<fmt>")
def paper_items(paper_id: int, fmt: str):
    scope = _paper_scope(paper_id)
    table = report_exports.item_analysis(build_report(scope))
    return download(table, f"题目分析-{scope.paper.title}", fmt)


@bp.route("/quarter/<quarter>/items.<fmt>")
def quarter_items(quarter: str, fmt: str):
    table = report_exports.item_analysis(build_report(Scope(quarter=_quarter(quarter))))
    return download(table, f"题目分析-{quarter}", fmt)


@bp.route("/quarter/<quarter>/results.<fmt>")
def quarter_results(quarter: str, fmt: str):
    return download(report_exports.quarter_results(_quarter(quarter)), f"成绩-{quarter}", fmt)


@bp.route("/quarter/<quarter>/appeals.<fmt>")
def quarter_appeals(quarter: str, fmt: str):
    return download(report_exports.quarter_appeals(_quarter(quarter)), f"申诉-{quarter}", fmt)
