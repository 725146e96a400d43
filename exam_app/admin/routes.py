from flask import flash, redirect, render_template, url_for
from sqlalchemy import select

from exam_app.admin import bp
from exam_app.admin.forms import UserForm
from exam_app.extensions import db
from exam_app.models import Role, User
from exam_app.services import ServiceError
from exam_app.services.accounts import create_user


@bp.route("/users", methods=["GET", "POST"])
def users():
    form = UserForm()
    if form.validate_on_submit():
        try:
            create_user(
                username=form.username.data,
                name=form.name.data,
                staff_no=form.staff_no.data,
                department=form.department.data or None,
                roles={Role(r) for r in form.roles.data},
                password=form.password.data,
            )
        except ServiceError as e:
            target = getattr(form, e.field, None) if e.field else None
            if target is not None:
                target.errors.append(e.message)
            else:
                flash(e.message, "error")
        else:
            flash(f"已创建用户 {form.username.data}。", "success")
            return redirect(url_for("admin.users"))
    people = db.session.scalars(select(User).order_by(User.staff_no)).all()
    return render_template("admin/users.html", people=people, form=form)
