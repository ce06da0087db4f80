"""The Flask (APIFlask) app factory. Thin: engines live elsewhere in the package."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from apiflask import APIFlask

from ..paths import content_root, instance_dir, site_dir
from ..settings import Settings, load_settings
from . import extensions

# Blueprint modules; each exposes `bp`, registered by create_app in this order.
BLUEPRINTS = ["casebook.web.home", "casebook.web.auth", "casebook.web.docs"]
BLUEPRINTS += ["casebook.web.training", "casebook.web.training_api"]
BLUEPRINTS += ["casebook.web.scenarios", "casebook.web.scenarios_api"]
BLUEPRINTS += ["casebook.web.admin", "casebook.web.admin_api"]
BLUEPRINTS += ["casebook.web.search"]
BLUEPRINTS += ["casebook.web.account", "casebook.web.account_api"]
BLUEPRINTS += ["casebook.web.insight", "casebook.web.insight_api"]
BLUEPRINTS += ["casebook.web.trust", "casebook.web.trust_api"]


class ConfigError(SystemExit):
    """A setting is missing or wrong: the server refuses to start, with the reason."""


def _is_shared(config) -> bool:
    """Several processes or servers share this store: PostgreSQL with several workers
    (CASEBOOK_WORKERS, set by `casebook serve --workers N`) or a shared Redis."""
    url = config.get("DATABASE_URL") or ""
    if not url.startswith("postgresql"):
        return False
    return int(config.get("CASEBOOK_WORKERS") or 1) > 1 or bool(config.get("CASEBOOK_REDIS_URL"))


def _secret_key(instance: Path) -> str:
    """The session-signing key of a single server: generated once per instance folder."""
    path = instance / "secret_key"
    if path.is_file():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    os.chmod(path, 0o600)
    return key


def create_app(root: str | Path | None = None, config: dict | None = None,
               settings: Settings | None = None) -> APIFlask:
    """The app for a content root. `settings` default to the environment's (read once, here);
    `config` overrides single Flask config keys (tests)."""
    settings = settings or load_settings()
    root = content_root(root or settings.root)
    instance = instance_dir(root)
    app = APIFlask(__name__, title="Casebook API", version="1", spec_path="/api/openapi.json",
                   docs_path=None, instance_path=str(instance))
    app.config.update(
        CASEBOOK_ROOT=str(root),
        SITE_DIR=str(site_dir(root)),
        DATABASE_URL=settings.database_url,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        REMEMBER_COOKIE_HTTPONLY=True,
        WTF_CSRF_TIME_LIMIT=None,
        LOGIN_RATE_LIMIT="10 per minute",                 # failed sign-ins per IP address
        LOGIN_ACCOUNT_RATE_LIMIT="5 per minute;20 per hour",   # failed sign-ins per account
        SEARCH_RATE_LIMIT_ANON=settings.search_rate_limit_anon,
        SEARCH_RATE_LIMIT=settings.search_rate_limit,
        SIMILAR_RATE_LIMIT=settings.similar_rate_limit,
        ANON_MAX_QUERY_CHARS=200,
        RATELIMIT_HEADERS_ENABLED=True,                   # X-RateLimit-* and Retry-After
        MAX_CONTENT_LENGTH=settings.max_body_kb * 1024,
        SESSION_IDLE_MINUTES=settings.session_idle_minutes,
        SESSION_ABSOLUTE_MINUTES=settings.session_max_hours * 60,
        # shared by every process when Redis is configured (several servers behind one address)
        RATELIMIT_STORAGE_URI=settings.redis_url or "memory://",
        RATELIMIT_KEY_PREFIX="casebook",                  # one Redis may serve other applications too
        # Redis unreachable: count in this process's memory meanwhile rather than answer 500
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True,
        JSON_AS_ASCII=False,
        CASEBOOK_TIMEZONE=settings.timezone,
        SEARCH_EMBEDDER=settings.embedder,                     # for an index built on first use
        SEARCH_CACHE_FILE=str(settings.search_cache_file),
        PSEUDONYM_KEY=settings.pseudonym_key,
        CASEBOOK_REDIS_URL=settings.redis_url,
        CASEBOOK_WORKERS=settings.workers,
        # reverse proxies (nginx) in front whose X-Forwarded-For/-Proto are trusted: 0 = none
        CASEBOOK_PROXIES=settings.proxies,
        # how often a process checks the search index generation when PostgreSQL cannot notify it
        SEARCH_POLL_SECONDS=settings.search_poll_seconds,
        # responses a question or scenario criterion needs before a discrimination flag (Moodle's rule)
        STATS_MIN_RESPONSES=settings.stats_min_responses,
        # agreement gates: a criterion kind with kappa below GATE_MIN_KAPPA on GATE_MIN_N graded criteria
        GATE_MIN_KAPPA=settings.gate_min_kappa,
        GATE_MIN_N=settings.gate_min_n,
        CALIBRATION_BLIND=settings.calibration_blind,
    )
    if settings.secret_key:
        app.config["SECRET_KEY"] = settings.secret_key
    if config:
        app.config.update(config)
    app.extensions["casebook.settings"] = settings
    from .. import accounts
    accounts.configure_hashing(settings.password_hash_time_cost, settings.password_hash_memory_kib)
    if not app.config.get("SECRET_KEY"):
        if _is_shared(app.config):
            raise ConfigError(
                "CASEBOOK_SECRET_KEY is not set: with several workers or servers on PostgreSQL every "
                "process must sign sessions with the same key (generate one with "
                "`python -c 'import secrets; print(secrets.token_hex(32))'` and set it on every server)")
        app.config["SECRET_KEY"] = _secret_key(instance)
    if app.config["CASEBOOK_PROXIES"] > 0:
        # behind a load balancer the client's address (rate limits) is in X-Forwarded-For
        from werkzeug.middleware.proxy_fix import ProxyFix
        proxies = app.config["CASEBOOK_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    from . import inputs
    inputs.init_app(app)          # before the blueprints: their <int:...> routes use the bounded converter
    extensions.init_app(app)
    from . import labels, localtime, navigation
    labels.init_app(app)
    localtime.init_app(app)
    navigation.init_app(app)
    import importlib
    for name in BLUEPRINTS:
        app.register_blueprint(importlib.import_module(name).bp)
    from . import home, scenarios, search, training
    home.init_app(app, sections=[training.SECTION, scenarios.SECTION, search.SECTION],
                  notices=[training.due_notice])
    from . import errors, headers
    errors.init_app(app)
    headers.init_app(app)

    @app.spec_processor
    def _bodies_are_required(spec):
        """Every JSON body the API declares is required (APIFlask leaves `required` out), so the
        document says what the server does: a write without its body is a 4xx."""
        for path in spec.get("paths", {}).values():
            for operation in path.values():
                if isinstance(operation, dict) and "requestBody" in operation:
                    operation["requestBody"]["required"] = True
                    responses = operation.setdefault("responses", {})
                    responses.setdefault("400", {"description": "The body is not valid JSON or not valid Unicode"})
                    responses.setdefault("413", {"description": "The body is larger than CASEBOOK_MAX_BODY_KB"})
        return spec
    return app
