"""Shared by the training pages and API: the loaded question bank, the current user's id/role."""
from __future__ import annotations

from flask import abort, current_app
from flask_login import current_user

from ..quiz.stats import MIN_RESPONSES
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


def min_responses() -> int:
    """Responses a question or scenario criterion needs before a discrimination flag (the
    STATS_MIN_RESPONSES setting, CASEBOOK_STATS_MIN_RESPONSES)."""
    return int(current_app.config.get("STATS_MIN_RESPONSES") or MIN_RESPONSES)
