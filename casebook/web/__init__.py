"""The Flask (APIFlask) app factory. Thin: engines live elsewhere in the package."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from apiflask import APIFlask

from ..paths import content_root, instance_dir, site_dir
from . import extensions

# Blueprint modules; each exposes `bp` (later areas append themselves here).
BLUEPRINTS = ["casebook.web.home", "casebook.web.auth", "casebook.web.docs"]
BLUEPRINTS += ["casebook.web.training", "casebook.web.training_api"]
BLUEPRINTS += ["casebook.web.scenarios", "casebook.web.scenarios_api"]
BLUEPRINTS += ["casebook.web.admin", "casebook.web.admin_api"]
BLUEPRINTS += ["casebook.web.search"]


def _secret_key(instance: Path) -> str:
    path = instance / "secret_key"
    if path.is_file():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    os.chmod(path, 0o600)
    return key


def create_app(root: str | Path | None = None, config: dict | None = None) -> APIFlask:
    root = content_root(root)
    instance = instance_dir(root)
    app = APIFlask(__name__, title="Casebook API", version="1", spec_path="/api/openapi.json",
                   docs_path=None, instance_path=str(instance))
    app.config.update(
        CASEBOOK_ROOT=str(root),
        SITE_DIR=str(site_dir(root)),
        DATABASE_URL=os.environ.get("DATABASE_URL"),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=os.environ.get("CASEBOOK_SECURE_COOKIES", "0") == "1",
        REMEMBER_COOKIE_HTTPONLY=True,
        WTF_CSRF_TIME_LIMIT=None,
        LOGIN_RATE_LIMIT="10 per minute",
        RATELIMIT_STORAGE_URI="memory://",
        JSON_AS_ASCII=False,
        CASEBOOK_TIMEZONE=os.environ.get("CASEBOOK_TIMEZONE"),
    )
    if config:
        app.config.update(config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(instance)
    app.json.ensure_ascii = False
    extensions.init_app(app)
    from . import localtime, navigation
    localtime.init_app(app)
    navigation.init_app(app)
    import importlib
    for name in BLUEPRINTS:
        app.register_blueprint(importlib.import_module(name).bp)
    from . import errors
    errors.init_app(app)
    return app
