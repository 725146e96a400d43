from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from exam_app.admin import bp
from exam_app.admin.forms import EmptyForm, PersonForm, UserForm
from exam_app.extensions import db
from exam_app.models import Role, User
from exam_app.models.base import utcnow
from exam_app.services import ServiceError, account_admin
from exam_app.services.accounts import create_user, one_time_password


def _show_error(form, e: ServiceError) -> None:
    target = getattr(form, e.field, None) if e.field else None
    if target is not None:
        target.errors.append(e.message)
    else:
        flash(e.message, "error")


@bp.route("/users", methods=["GET", "POST"])
def users():
    form = UserForm()
    created, plain = None, None
    if form.validate_on_submit():
        plain = one_time_password()
        try:
            created = create_user(
                username=form.username.data,
                name=form.name.data,
                staff_no=form.staff_no.data,
                department=form.department.data or None,
                position=form.position.data or "",
                roles={Role(r) for r in form.roles.data},
                password=plain,
                must_change_password=True,
            )
        except ServiceError as e:
            plain = None
            _show_error(form, e)
        else:
            form = UserForm(formdata=None)
    people = db.session.scalars(select(User).order_by(User.staff_no)).all()
    return render_template("admin/users.html", people=people, form=form, created=created,
                           plain=plain)  # fmt: skip


def _person(user_id: int) -> User:
    try:
        return account_admin.person(user_id)
    except ServiceError:
        abort(404)


def _edit_page(user: User, form: PersonForm, plain: str | None = None, status: int = 200):
    return render_template(
        "admin/user_edit.html", user=user, form=form, plain=plain, action=EmptyForm(),
        is_self=user.id == current_user.id,
    ), status  # fmt: skip


def _filled(user: User) -> PersonForm:
    form = PersonForm(formdata=None, obj=user)
    form.department.data = user.department.name if user.department else ""
    form.roles.data = [str(r) for r in user.roles]
    form.supervisor.data = user.supervisor.staff_no if user.supervisor else ""
    return form


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    user = _person(user_id)
    form = PersonForm() if request.method == "POST" else _filled(user)
    if form.validate_on_submit():
        try:
            account_admin.update_person(
                current_user, user, name=form.name.data, staff_no=form.staff_no.data,
                department=form.department.data or "", position=form.position.data or "",
                roles={Role(r) for r in form.roles.data},
                supervisor_staff_no=form.supervisor.data or "",
            )  # fmt: skip
        except ServiceError as e:
            db.session.rollback()
            _show_error(form, e)
        else:
            flash(f"已保存 {user.name} 的资料。", "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return _edit_page(user, form)


def _action_refused() -> bool:
    if EmptyForm().validate_on_submit():
        return False
    flash("页面已过期，请刷新后重试。", "error")
    return True


@bp.route("/users/<int:user_id>/reset-password", methods=["POST"])
def reset_password(user_id: int):
    user = _person(user_id)
    if _action_refused():
        return redirect(url_for("admin.edit_user", user_id=user.id))
    try:
        plain = account_admin.reset_password(current_user, user)
    except ServiceError as e:
        flash(e.message, "error")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    # Rendered here, not after a redirect: the password exists only in this answer.
    return _edit_page(user, _filled(user), plain=plain)


@bp.route("/users/<int:user_id>/disable", methods=["POST"])
def disable_user(user_id: int):
    user = _person(user_id)
    if not _action_refused():
        try:
            revoked = account_admin.disable_account(current_user, user, utcnow())
        except ServiceError as e:
            flash(e.message, "error")
        else:
            message = f"已停用 {user.name} 的账号，其所有登录已退出。"
            if revoked:
                message += f"其创建的 {revoked} 个接口令牌已吊销。"
            flash(message, "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/users/<int:user_id>/enable", methods=["POST"])
def enable_user(user_id: int):
    user = _person(user_id)
    if not _action_refused():
        account_admin.enable_account(current_user, user)
        flash(f"已恢复 {user.name} 的账号，可以重新登录。", "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))
