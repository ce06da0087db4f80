"""The signed-in user's own account over JSON: change password, sign out everywhere."""
from __future__ import annotations

from apiflask import APIBlueprint, Schema
from apiflask.fields import Integer, String
from apiflask.validators import Length
from flask_login import current_user, logout_user

from .. import accounts
from .extensions import db, end_session, start_session
from .training_common import me

bp = APIBlueprint("account_api", __name__, url_prefix="/api/account", tag="Account")


class PasswordIn(Schema):
    current_password = String(required=True, validate=Length(max=accounts.MAX_PASSWORD))
    new_password = String(required=True, validate=Length(max=accounts.MAX_PASSWORD))


class OkOut(Schema):
    message = String()
    session_version = Integer()


@bp.post("/password")
@bp.input(PasswordIn, arg_name="body")
@bp.output(OkOut)
@bp.doc(summary="Change your own password (current password + strength check); ends your other sessions",
        responses=[400, 401, 403])
def change_password(body):
    uid, _ = me()
    version = accounts.change_own_password(db(), uid, body["current_password"], body["new_password"])
    start_session(accounts.get_user(db(), current_user.username))
    return {"message": "密码已修改；其他设备上的登录已全部退出。", "session_version": version}


@bp.post("/logout-everywhere")
@bp.output(OkOut)
@bp.doc(summary="Sign out everywhere: every session of your account ends, this one included", responses=[401])
def logout_everywhere():
    uid, _ = me()
    version = accounts.end_all_sessions(db(), uid)
    logout_user()
    end_session()
    return {"message": "已退出所有设备上的登录。", "session_version": version}
