"""Shared by the training pages and API: the loaded question bank, the current user's id/role."""
from __future__ import annotations

import threading

from flask import abort, current_app
from flask_login import current_user

from ..content import load_project

_lock = threading.Lock()


def project():
    """The content project, loaded once per app (reload the app after editing the bank)."""
    cached = current_app.extensions.get("casebook.training_project")
    if cached is None:
        with _lock:
            cached = current_app.extensions.get("casebook.training_project")
            if cached is None:
                cached = load_project(current_app.config["CASEBOOK_ROOT"])
                current_app.extensions["casebook.training_project"] = cached
    return cached


def me() -> tuple[int, str]:
    if not current_user.is_authenticated:
        abort(401, description="请先登录")
    return current_user.id, current_user.role


def require(role: str) -> tuple[int, str]:
    uid, user_role = me()
    if not current_user.can(role):
        abort(403, description="没有权限")
    return uid, user_role
