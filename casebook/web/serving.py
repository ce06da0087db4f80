"""Run the app: first-run admin account, then a production WSGI server: waitress (one process,
the default) or gunicorn (several worker processes, Linux)."""
from __future__ import annotations

import time

import click

from ..accounts import ensure_admin
from .extensions import db


CONNECTION_LIMIT = 1000    # open client connections per server process (waitress and gunicorn)


def run(app, host: str, port: int, threads: int = 8) -> None:
    first_run(app, host, port)
    warm_up(app)
    click.echo(f"Casebook serving on http://{host}:{port}/  (site at /docs/)")
    from waitress import serve
    # connection_limit: waitress stops accepting at 100 open connections by default; 200 agents'
    # browsers keep theirs open (keep-alive), and the 101st would wait until it timed out
    serve(app, host=host, port=port, threads=threads, ident="casebook", connection_limit=CONNECTION_LIMIT)


def run_workers(root, host: str, port: int, workers: int, threads: int = 8, settings=None) -> None:
    """Serve with gunicorn: `workers` processes of `threads` threads each. The app is created once
    here first (migrations, configuration checks, first-run admin), then by every worker."""
    import sys
    if not sys.platform.startswith("linux"):
        raise click.ClickException("--workers above 1 needs gunicorn, which runs on Linux; use --workers 1 (waitress)")
    try:
        from gunicorn.app.base import BaseApplication
    except ImportError:
        raise click.ClickException("--workers above 1 needs gunicorn: pip install gunicorn")
    from ..settings import load_settings
    from . import create_app
    settings = (settings or load_settings()).model_copy(update={"workers": workers})   # the shared-secret check
    app = create_app(root=root, settings=settings)     # fails here, once, on a configuration error
    first_run(app, host, port)
    app.extensions["casebook.db"].dispose()

    class Server(BaseApplication):
        def load_config(self):
            for key, value in {"bind": f"{host}:{port}", "workers": workers, "threads": threads,
                               "worker_class": "gthread", "timeout": 120, "graceful_timeout": 30,
                               "keepalive": 5, "worker_connections": CONNECTION_LIMIT, "accesslog": None, "errorlog": "-", "loglevel": "warning",
                               "proc_name": "casebook"}.items():
                self.cfg.set(key, value)

        def load(self):
            worker_app = create_app(root=root, settings=settings)
            warm_up(worker_app, quiet=True)
            return worker_app

    click.echo(f"Casebook serving on http://{host}:{port}/ with {workers} gunicorn workers (site at /docs/)")
    Server().run()


def first_run(app, host: str, port: int) -> None:
    """The first-run admin account, printed once."""
    with app.app_context():
        created = ensure_admin(db())
    if created:
        username, password = created
        click.echo("=" * 60)
        click.echo("First run: an admin account was created.")
        click.echo(f"  sign in at http://{host}:{port}/login")
        click.echo(f"  username: {username}")
        click.echo(f"  password: {password}")
        click.echo("  (change it with: casebook users passwd admin)")
        click.echo("=" * 60)


def warm_up(app, quiet: bool = False) -> None:
    """Load the content, the embedding model and the search index before the first request, so
    the first report or search does not wait for them. Problems are reported, never fatal."""
    started = time.monotonic()
    echo = (lambda *_a, **_k: None) if quiet else click.echo
    echo("Loading content, the embedding model and the search index ...")
    with app.test_request_context("/"):
        from .scenarios_common import project
        project()
        try:
            from ..scoring import semantic
            model = semantic._embedder()          # the scorer's and short-answer grader's e5 model
            model.query(["预热"])
        except Exception as exc:  # noqa: BLE001 - the app still serves; the first report loads it
            click.echo(f"  embedding model not loaded yet: {type(exc).__name__}: {exc}")
        try:
            from .search import _open_searcher
            _open_searcher()
        except Exception as exc:  # noqa: BLE001
            click.echo(f"  search index not loaded: {type(exc).__name__}: {exc}")
    echo(f"  ready in {time.monotonic() - started:.1f} s")
