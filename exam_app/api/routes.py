import re

from flask import abort, jsonify

from exam_app.api import bp
from exam_app.api.openapi import document
from exam_app.services import api_reads

QUARTER = re.compile(r"\d{4}Q[1-4]")


@bp.route("/openapi.json")
def openapi():
    return jsonify(document())


@bp.route("/quarters/<quarter>/results")
def quarter_results(quarter: str):
    if not QUARTER.fullmatch(quarter):
        abort(404)
    results = api_reads.quarter_results(quarter)
    return jsonify(quarter=quarter, count=len(results), results=results)


@bp.route("/quarters/<quarter>/combined")
def quarter_combined(quarter: str):
    if not QUARTER.fullmatch(quarter):
        abort(404)
    rows = api_reads.quarter_combined(quarter)
    return jsonify(quarter=quarter, count=len(rows), combined=rows)


@bp.route("/staff/<staff_no>")
def staff_file(staff_no: str):
    person = api_reads.staff_file(staff_no)
    if person is None:
        abort(404)
    return jsonify(person)


@bp.route("/papers")
def papers():
    return jsonify(papers=api_reads.papers())
