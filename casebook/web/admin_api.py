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
from .extensions import db
from .training_common import require

bp = APIBlueprint("admin_api", __name__, url_prefix="/api", tag="Accounts")

MAX_PASSWORD = 256  # the sign-in form accepts at most 256 characters
ROLE_LABELS = {"agent": "客服", "trainer": "培训师", "admin": "管理员"}


@bp.before_request
def _admins_only():
    """Every route here is admin-only: 401 when signed out, 403 for agents and trainers (before any input is read)."""
    require("admin")


def reason(exc: accounts.AccountError) -> str:
    """A Chinese reason for the UI; the accounts module speaks English (it is shared with the CLI)."""
    if isinstance(exc, accounts.SelfLockout):
        if exc.action == "deactivate":
            return "不能停用自己的账号（请让另一位管理员操作）。"
        return "不能取消自己的管理员角色（请让另一位管理员操作）。"
    if isinstance(exc, accounts.UnknownUser):
        return "没有这个用户。"
    if isinstance(exc, accounts.DuplicateUser):
        return "用户名已存在。"
    return str(exc)


def _status(exc: accounts.AccountError) -> tuple[int, str]:
    if isinstance(exc, accounts.UnknownUser):
        return 404, "not_found"
    if isinstance(exc, accounts.DuplicateUser):
        return 409, "exists"
    if isinstance(exc, accounts.SelfLockout):
        return 409, "self_lockout"
    return 400, "invalid"


def _fail(exc: accounts.AccountError):
    status, code = _status(exc)
    abort(status, message=reason(exc), extra_data={"code": code})


def user_dict(user) -> dict:
    return {"username": user.username, "display_name": user.display_name, "role": user.role,
            "active": bool(user.active), "created_at": user.created_at.isoformat() + "Z" if user.created_at else None}


USERNAME_RULE = "用户名为 2–64 个字母、数字、'.'、'_' 或 '-'"


def valid_username(value: str) -> bool:
    return accounts.USERNAME_RE.fullmatch(value or "") is not None  # fullmatch: no trailing newline either


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
    try:
        user = accounts.create_user(db(), body["username"], body["password"], role=body["role"],
                                    display_name=body["display_name"].strip())
    except accounts.AccountError as exc:
        _fail(exc)
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
    try:
        user = accounts.update_user(db(), username, role=body.get("role"), active=body.get("active"),
                                    display_name=body.get("display_name"), password=body.get("password"),
                                    acting=current_user.username)
    except accounts.AccountError as exc:
        _fail(exc)
    return user_dict(user)
