"""Extensions, each attached with init_app: database, sign-in, CSRF, rate limits."""
from __future__ import annotations

from pathlib import Path

import time

from flask import current_app, session
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect

import hashlib
import os
import threading

from flask import g

from ..content import Project, load_project
from ..store import Database, User, open_database

login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


_project_lock = threading.Lock()


def db() -> Database:
    return current_app.extensions["casebook.db"]


CONTENT_DIRS = ("docs", "cases", "quiz", "search")
CONTENT_SUFFIXES = (".md", ".yml", ".yaml", ".txt", ".json", ".jsonl", ".csv")


def content_signature(root: str | Path) -> str:
    """A fingerprint of the content files (path, size, modification time): it changes when a
    trainer adds, edits or removes a rule, case, scenario or question."""
    digest = hashlib.blake2b(digest_size=16)
    base = Path(root)
    for name in CONTENT_DIRS:
        for folder, dirs, files in os.walk(base / name):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for file in sorted(files):
                if file.endswith(CONTENT_SUFFIXES):
                    path = os.path.join(folder, file)
                    try:
                        stat = os.stat(path)
                    except OSError:
                        continue
                    digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def content() -> Project:
    """The content project, shared by every area. It is reloaded when the content files change
    (checked once per request), so a new or edited case, scenario or question is served after
    `casebook build` without a restart."""
    root = current_app.config["CASEBOOK_ROOT"]
    signature = g.get("casebook_content_signature")
    if signature is None:
        signature = g.casebook_content_signature = content_signature(root)
    cached = current_app.extensions.get("casebook.project")
    if cached is None or current_app.extensions.get("casebook.project_signature") != signature:
        with _project_lock:
            cached = current_app.extensions.get("casebook.project")
            if cached is None or current_app.extensions.get("casebook.project_signature") != signature:
                cached = load_project(root)
                current_app.extensions["casebook.project"] = cached
                current_app.extensions["casebook.project_signature"] = signature
    return cached


def init_app(app) -> None:
    app.extensions["casebook.db"] = open_database(app.config.get("DATABASE_URL"), Path(app.instance_path))

    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录。"
    login_manager.init_app(app)
    csrf.init_app(app)
    # The limiter object is shared; set its switch explicitly for every app it serves.
    app.config.setdefault("RATELIMIT_ENABLED", True)
    limiter.init_app(app)


SESSION_KEYS = ("_sv", "_auth_at", "_seen_at")


def start_session(user) -> None:
    """Stamp a fresh sign-in: the account's session version, sign-in time, last activity."""
    now = int(time.time())
    session["_sv"], session["_auth_at"], session["_seen_at"] = user.session_version or 0, now, now


def end_session() -> None:
    for key in SESSION_KEYS:
        session.pop(key, None)


def _session_valid(user) -> bool:
    """The server-side checks on every request: version (revocation), idle and absolute timeouts."""
    if session.get("_sv") != (user.session_version or 0):
        return False
    now = int(time.time())
    auth_at, seen_at = session.get("_auth_at"), session.get("_seen_at")
    if not isinstance(auth_at, int) or not isinstance(seen_at, int):
        return False
    if now - auth_at > current_app.config["SESSION_ABSOLUTE_MINUTES"] * 60:
        return False
    if now - seen_at > current_app.config["SESSION_IDLE_MINUTES"] * 60:
        return False
    if now - seen_at >= 60:          # refresh the activity stamp at most once a minute
        session["_seen_at"] = now
    return True


@login_manager.user_loader
def load_user(user_id: str):
    if not user_id.isdigit() or len(user_id) > 18:
        return None
    with db().session() as s:
        user = s.get(User, int(user_id))
    # a deactivated account loses its session at once, not at its next sign-in
    if user is None or not user.active or not _session_valid(user):
        end_session()
        return None
    return user
