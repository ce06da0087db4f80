"""Sign-in and sign-out."""
from __future__ import annotations

from urllib.parse import unquote, urlsplit

from apiflask import APIBlueprint
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from ..accounts import authenticate, end_all_sessions
from .extensions import db, end_session, limiter, start_session

bp = APIBlueprint("auth", __name__, enable_openapi=False)


class LoginForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired(message="请输入用户名"), Length(max=64)])
    password = PasswordField("密码", validators=[DataRequired(message="请输入密码"), Length(max=256)])


def _unsafe(text: str) -> bool:
    return (not text.startswith("/") or text.startswith("//") or "\\" in text
            or any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or c in "\u2028\u2029" for c in text))


def safe_next(target: str | None) -> str | None:
    """`target` when it is a path on this site, else None. Refused: anything not starting with a
    single '/', control characters (browsers drop tabs and newlines: '/\t/evil' becomes '//evil'),
    backslashes (read as '/'), a scheme or host, and the same after percent-decoding."""
    if not target or len(target) > 2048:
        return None
    for text in (target, unquote(target)):
        if _unsafe(text):
            return None
        parts = urlsplit(text)
        if parts.scheme or parts.netloc:
            return None
    return target


def _safe_next(target: str | None) -> str:
    return safe_next(target) or url_for("home.index")


def _failed(response) -> bool:
    """Only failed sign-ins count towards the limits (a success redirects)."""
    return response.status_code != 302


def _account_key() -> str:
    return "login-account:" + (request.form.get("username") or "").strip().lower()[:64]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"], deduct_when=_failed)
@limiter.limit(lambda: current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"], methods=["POST"], key_func=_account_key,
               deduct_when=_failed)
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(db(), form.username.data.strip(), form.password.data)
        if user is not None:
            login_user(user)
            start_session(user)
            return redirect(_safe_next(request.args.get("next")))
        flash("用户名或密码不正确。", "error")
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    """Sign-out ends the account's sessions on the server (a copied cookie stops working too)."""
    if current_user.is_authenticated:
        end_all_sessions(db(), current_user.id)
    logout_user()
    end_session()
    flash("已退出登录。", "info")
    return redirect(url_for("home.index"))
