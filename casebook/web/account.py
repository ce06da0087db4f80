"""The signed-in user's own account: change password, sign out everywhere."""
from __future__ import annotations

from apiflask import APIBlueprint
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, logout_user

from .. import accounts
from .extensions import db, end_session, start_session

bp = APIBlueprint("account", __name__, url_prefix="/account", enable_openapi=False)


def _form_text(name: str) -> str:
    value = request.form.get(name, "")
    return value if len(value) <= accounts.MAX_PASSWORD * 2 else value[: accounts.MAX_PASSWORD * 2]


@bp.get("/")
@login_required
def index():
    return render_template("auth/account.html", min_password=accounts.MIN_PASSWORD)


@bp.post("/password")
@login_required
def change_password():
    current, new, again = _form_text("current_password"), _form_text("new_password"), _form_text("confirm_password")
    if new != again:
        flash("两次输入的新密码不一致。", "error")
        return render_template("auth/account.html", min_password=accounts.MIN_PASSWORD), 400
    try:
        accounts.change_own_password(db(), current_user.id, current, new)
    except accounts.AccountError as exc:
        flash(str(exc), "error")
        return render_template("auth/account.html", min_password=accounts.MIN_PASSWORD), 400
    user = accounts.get_user(db(), current_user.username)
    start_session(user)       # this browser stays signed in; every other session has ended
    flash("密码已修改；其他设备上的登录已全部退出。", "info")
    return redirect(url_for(".index"))


@bp.post("/logout-everywhere")
@login_required
def logout_everywhere():
    accounts.end_all_sessions(db(), current_user.id)
    logout_user()
    end_session()
    flash("已退出所有设备上的登录。", "info")
    return redirect(url_for("auth.login"))
