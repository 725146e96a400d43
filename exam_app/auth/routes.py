from urllib.parse import urlsplit

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf.csrf import generate_csrf

from exam_app.auth import bp
from exam_app.auth.forms import ChangePasswordForm, LoginForm
from exam_app.models import Role
from exam_app.models.base import utcnow
from exam_app.services import ServiceError, sign_in
from exam_app.services.accounts import (
    AccountDisabled,
    WrongPassword,
    authenticate,
    change_own_password,
)

HOME_BY_ROLE = [
    (Role.STAFF, "exams.index"),
    (Role.REVIEWER, "review.queue"),
    (Role.LEAD, "papers.index"),
    (Role.HR, "reports.index"),
    (Role.ADMIN, "admin.users"),
]


def home_for(user) -> str:
    for role, endpoint in HOME_BY_ROLE:
        if user.has_role(role):
            return url_for(endpoint)
    return url_for("auth.login")


def _safe_next(target: str | None) -> str | None:
    """Only local paths: an open redirect would let a phishing link borrow our login."""
    if not target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc and target.startswith("/") else None


@bp.route("/")
def index():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    return redirect(url_for("auth.login"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        now, addr = utcnow(), request.remote_addr or "-"
        # Checked before the password: once blocked, even the right password waits.
        if wait := sign_in.minutes_to_wait(form.username.data, addr, now):
            flash(f"登录失败次数过多，请 {wait} 分钟后再试。", "error")
            return render_template("auth/login.html", form=form), 429
        try:
            user = authenticate(form.username.data, form.password.data)
        except AccountDisabled as e:
            # Counted like a failure, and said whatever the password: no hint whether it
            # was right.
            sign_in.record_failure(form.username.data, addr, now)
            flash(e.message, "error")
            return render_template("auth/login.html", form=form), e.status
        if user is None:
            sign_in.record_failure(form.username.data, addr, now)
            flash("用户名或密码错误。", "error")
        else:
            session.clear()  # a fresh session at login: no fixation
            session["login_token"] = sign_in.open_session(user, form.username.data, addr, now)
            login_user(user)
            # The renewed session carries its form token from the start: the first page
            # (「我的考试」, the whole centre in one minute) then leaves the cookie as it is.
            # (Flask-WTF keeps this request's token in g, made for the session just cleared.)
            g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
            generate_csrf()
            if user.must_change_password:
                return redirect(url_for("auth.change_password"))
            return redirect(_safe_next(request.args.get("next")) or home_for(user))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    sign_in.close_session(session.get("login_token"))  # the old cookie stops working
    logout_user()
    session.clear()
    flash("您已退出登录。", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Set one's own password, proving the current one (re-authentication); a person with
    a one-time password is sent here before anything else (web/password_change.py)."""
    form = ChangePasswordForm()
    forced = current_user.must_change_password
    if form.validate_on_submit():
        now, addr = utcnow(), request.remote_addr or "-"
        # Guessing the current password from a borrowed session is throttled like sign-in.
        if wait := sign_in.minutes_to_wait(current_user.username, addr, now):
            flash(f"密码错误次数过多，请 {wait} 分钟后再试。", "error")
            return render_template("auth/change_password.html", form=form, forced=forced), 429
        try:
            closed = change_own_password(
                current_user, form.current_password.data, form.new_password.data,
                keep_token=session.get("login_token"),
            )  # fmt: skip
        except WrongPassword as e:
            sign_in.record_failure(current_user.username, addr, now)
            form.current_password.errors.append(e.message)
        except ServiceError as e:
            getattr(form, e.field or "new_password").errors.append(e.message)
        else:
            message = "密码已修改。"
            if closed:
                message += f"您在其他 {closed} 处设备上的登录已退出。"
            flash(message, "success")
            return redirect(home_for(current_user))
    return render_template("auth/change_password.html", form=form, forced=forced)
