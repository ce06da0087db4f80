"""Extensions, each attached with init_app: database, sign-in, CSRF, rate limits."""
from __future__ import annotations

from pathlib import Path

from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect

import threading

from ..content import Project, load_project
from ..store import Database, User, default_url

login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


_project_lock = threading.Lock()


def db() -> Database:
    return current_app.extensions["casebook.db"]


def content() -> Project:
    """The content project, loaded once per app and shared by every area (restart after editing content)."""
    cached = current_app.extensions.get("casebook.project")
    if cached is None:
        with _project_lock:
            cached = current_app.extensions.get("casebook.project")
            if cached is None:
                cached = load_project(current_app.config["CASEBOOK_ROOT"])
                current_app.extensions["casebook.project"] = cached
    return cached


def init_app(app) -> None:
    url = app.config.get("DATABASE_URL") or default_url(Path(app.instance_path))
    database = Database(url)
    database.migrate()
    app.extensions["casebook.db"] = database

    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录。"
    login_manager.init_app(app)
    csrf.init_app(app)
    # The limiter object is shared; set its switch explicitly for every app it serves.
    app.config.setdefault("RATELIMIT_ENABLED", True)
    limiter.init_app(app)


@login_manager.user_loader
def load_user(user_id: str):
    if not user_id.isdigit():
        return None
    with db().session() as session:
        user = session.get(User, int(user_id))
    # a deactivated account loses its session at once, not at its next sign-in
    return user if user is not None and user.active else None
