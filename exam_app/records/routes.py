from flask import render_template
from flask_login import current_user

from exam_app.records import bp
from exam_app.services.staff_files import results_of


@bp.route("/")
def mine():
    return render_template(
        "records/staff_file.html", person=current_user, results=results_of(current_user), own=True
    )
