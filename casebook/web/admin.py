"""Account management pages (admins only): list accounts, add one, change role, reset a password,
activate/deactivate. Plain POST forms with a CSRF token; every change redirects back to the list."""
from __future__ import annotations

from apiflask import APIBlueprint
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import AnyOf, DataRequired, Length, Optional, ValidationError

from .. import accounts
from ..store.models import ROLES
from .access import check_role
from .admin_common import MAX_PASSWORD, ROLE_LABELS, USERNAME_RULE, user_dict, valid_username
from .errors import account_reason as reason
from .extensions import db

bp = APIBlueprint("admin", __name__, url_prefix="/admin", enable_openapi=False)

ROLE_CHOICES = [(r, ROLE_LABELS[r]) for r in ROLES]
try:  # WTForms 3.3 deprecates (value, label) tuples as SelectField choices
    from wtforms.fields import SelectChoice
    FIELD_CHOICES = [SelectChoice(value, label) for value, label in ROLE_CHOICES]
except ImportError:  # pragma: no cover - older WTForms
    FIELD_CHOICES = ROLE_CHOICES
ROLE_OK = AnyOf(list(ROLES), message="角色只能是客服、培训师或管理员")
PASSWORD_RULE = f"密码需要 {accounts.MIN_PASSWORD}–{MAX_PASSWORD} 个字符"


def _username_ok(form, field):
    if not valid_username(field.data or ""):
        raise ValidationError(USERNAME_RULE)


class AddUserForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired(message="请输入用户名"), _username_ok])
    display_name = StringField("显示名", validators=[Optional(), Length(max=accounts.MAX_DISPLAY_NAME,
                                                                      message="显示名最多 100 个字符")])
    role = SelectField("角色", choices=FIELD_CHOICES, default="agent", validate_choice=False, validators=[ROLE_OK])
    password = PasswordField("初始密码", validators=[DataRequired(message="请输入初始密码"),
                                                 Length(accounts.MIN_PASSWORD, MAX_PASSWORD, message=PASSWORD_RULE)])


class RoleForm(FlaskForm):
    role = SelectField("角色", choices=FIELD_CHOICES, validate_choice=False, validators=[ROLE_OK])


class PasswordForm(FlaskForm):
    password = PasswordField("新密码", validators=[DataRequired(message="请输入新密码"),
                                                Length(accounts.MIN_PASSWORD, MAX_PASSWORD, message=PASSWORD_RULE)])


class ActiveForm(FlaskForm):
    active = HiddenField(validators=[AnyOf(["0", "1"], message="无效的状态")])


@bp.before_request
def _admins_only():
    """Signed out → the sign-in page; agents and trainers → 403 (before any form is read)."""
    check_role("admin", "只有管理员可以管理账号")


def _page(add_form=None, status=200):
    users = [user_dict(u) for u in accounts.list_users(db())]
    return render_template("admin/users.html", users=users, form=add_form or AddUserForm(formdata=None),
                           roles=ROLE_CHOICES, labels=ROLE_LABELS, me=current_user.username,
                           min_password=accounts.MIN_PASSWORD, max_password=MAX_PASSWORD), status


def _form_errors(form) -> None:
    for errors in form.errors.values():
        for message in errors:
            flash(message, "error")


def _back():
    return redirect(url_for(".users"))


@bp.get("/users")
def users():
    return _page()


@bp.post("/users")
def add_user():
    form = AddUserForm()
    if not form.validate():
        _form_errors(form)
        return _page(form, 400)
    try:
        user = accounts.create_user(db(), form.username.data.strip(), form.password.data, role=form.role.data,
                                    display_name=(form.display_name.data or "").strip())
    except accounts.AccountError as exc:
        flash(reason(exc), "error")
        return _page(form, 409 if isinstance(exc, accounts.DuplicateUser) else 400)
    flash(f"已添加账号 {user.username}（{ROLE_LABELS[user.role]}）。", "info")
    return _back()


def _change(username, form, done: str, **changes):
    if not form.validate():
        _form_errors(form)
        return _page(status=400)
    try:
        accounts.update_user(db(), username, acting=current_user.username, **changes)
    except accounts.UnknownUser as exc:
        abort(404, description=reason(exc))
    except accounts.AccountError as exc:
        flash(reason(exc), "error")
        return _page(status=409 if isinstance(exc, accounts.SelfLockout) else 400)
    flash(done, "info")
    return _back()


@bp.post("/users/<string(maxlength=64):username>/role")
def change_role(username):
    form = RoleForm()
    role = form.role.data
    return _change(username, form, f"{username} 的角色已改为{ROLE_LABELS.get(role, role)}。", role=role)


@bp.post("/users/<string(maxlength=64):username>/password")
def reset_password(username):
    form = PasswordForm()
    return _change(username, form, f"{username} 的密码已重置。", password=form.password.data)


@bp.post("/users/<string(maxlength=64):username>/active")
def set_active(username):
    form = ActiveForm()
    active = form.active.data == "1"
    return _change(username, form, f"{username} 已{'启用' if active else '停用'}。", active=active)
