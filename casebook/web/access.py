"""Who may use a view: one decorator instead of role checks written out in each view.

Signed out: 401 under /api/ (JSON), the sign-in page elsewhere. Signed in without the role: 403
(JSON under /api/, the Chinese error page elsewhere), before any input is read.
"""
from __future__ import annotations

from functools import wraps

from flask import abort, request
from flask_login import current_user

from .extensions import login_manager


def signed_in() -> tuple[int, str]:
    """The signed-in user's (id, role); 401 / the sign-in page when signed out."""
    if not current_user.is_authenticated:
        if request.path.startswith("/api/"):
            abort(401, description="请先登录")
        abort(login_manager.unauthorized())
    return current_user.id, current_user.role


def check_role(role: str, message: str | None = None) -> tuple[int, str]:
    """(id, role) of a signed-in user who has `role` (an admin has every role); else 401/403."""
    uid, user_role = signed_in()
    if not current_user.can(role):
        abort(403, description=message)
    return uid, user_role


def role_required(role: str, message: str | None = None):
    """View decorator: the view runs only for a signed-in user with `role`. Put it directly under
    the route decorator so it runs before the view's input is parsed."""
    def decorate(view):
        @wraps(view)
        def checked(*args, **kwargs):
            check_role(role, message)
            return view(*args, **kwargs)
        return checked
    return decorate


def login_required(view):
    """Any signed-in user (the same responses as role_required when signed out)."""
    @wraps(view)
    def checked(*args, **kwargs):
        signed_in()
        return view(*args, **kwargs)
    return checked
