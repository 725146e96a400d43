from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from exam_app.auth import bp
from exam_app.auth.forms import LoginForm
from exam_app.models import Role
from exam_app.models.base import utcnow
from exam_app.services import sign_in
from exam_app.services.accounts import authenticate

HOME_BY_ROLE = [
    (Role.STAFF, "exams.index"),
    (Role.REVIEWER, "review.queue"),
    (Role.LEAD, "papers.index"),
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
        user = authenticate(form.username.data, form.password.data)
        if user is None:
            sign_in.record_failure(form.username.data, addr, now)
            flash("用户名或密码错误。", "error")
        else:
            session.clear()  # a fresh session at login: no fixation
            session["login_token"] = sign_in.open_session(user, form.username.data, addr, now)
            login_user(user)
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
