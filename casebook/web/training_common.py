"""Shared by the training pages and API: the loaded question bank, the current user's id/role."""
from __future__ import annotations

from flask import abort
from flask_login import current_user

from .extensions import content



def project():
    """The app's content project (shared; see extensions.content)."""
    return content()


def me() -> tuple[int, str]:
    if not current_user.is_authenticated:
        abort(401, description="请先登录")
    return current_user.id, current_user.role


def require(role: str) -> tuple[int, str]:
    uid, user_role = me()
    if not current_user.can(role):
        abort(403, description="没有权限")
    return uid, user_role
