"""The account-management JSON API under /api/users (admins only; session sign-in; writes need the
X-CSRFToken header, whose value GET /api/csrf-token returns — see training_api)."""
from __future__ import annotations

from apiflask import APIBlueprint, Schema, abort
from apiflask.fields import Boolean, String
from apiflask.validators import Length, OneOf
from marshmallow import ValidationError
from flask_login import current_user

from .. import accounts
from ..store.models import ROLES
from .admin_common import MAX_PASSWORD, USERNAME_RULE, user_dict, valid_username
from .extensions import db
from .training_common import require

bp = APIBlueprint("admin_api", __name__, url_prefix="/api", tag="Accounts")


@bp.before_request
def _admins_only():
    """Every route here is admin-only: 401 when signed out, 403 for agents and trainers (before any input is read)."""
    require("admin")


def _check_username(value: str) -> None:
    if not valid_username(value):
        raise ValidationError(USERNAME_RULE)


class UserOut(Schema):
    username = String()
    display_name = String()
    role = String()
    active = Boolean()
    created_at = String(allow_none=True)


class UserIn(Schema):
    username = String(required=True, validate=_check_username)
    password = String(required=True, validate=Length(accounts.MIN_PASSWORD, MAX_PASSWORD))
    role = String(load_default="agent", validate=OneOf(ROLES))
    display_name = String(load_default="", validate=Length(max=accounts.MAX_DISPLAY_NAME))


class UserPatch(Schema):
    role = String(validate=OneOf(ROLES))
    active = Boolean()
    display_name = String(validate=Length(max=accounts.MAX_DISPLAY_NAME))
    password = String(validate=Length(accounts.MIN_PASSWORD, MAX_PASSWORD))


@bp.get("/users")
@bp.output(UserOut(many=True))
@bp.doc(summary="All accounts (admins)", responses=[401, 403])
def list_users():
    return [user_dict(u) for u in accounts.list_users(db())]


@bp.post("/users")
@bp.input(UserIn, arg_name="body")
@bp.output(UserOut, status_code=201)
@bp.doc(summary="Create an account (admins)", responses=[400, 401, 403, 409])
def create_user(body):
    user = accounts.create_user(db(), body["username"], body["password"], role=body["role"],
                                display_name=body["display_name"].strip())
    return user_dict(user), 201


@bp.patch("/users/<string(maxlength=64):username>")
@bp.input(UserPatch, arg_name="body")
@bp.output(UserOut)
@bp.doc(summary="Change an account's role, active flag, display name or password (admins; "
                "an admin cannot deactivate themselves or drop their own admin role)",
        responses=[400, 401, 403, 404, 409])
def update_user(username, body):
    if not body:
        abort(400, message="没有要修改的字段（role、active、display_name、password）。", extra_data={"code": "empty"})
    user = accounts.update_user(db(), username, role=body.get("role"), active=body.get("active"),
                                display_name=body.get("display_name"), password=body.get("password"),
                                acting=current_user.username)
    return user_dict(user)
