"""Run the app: first-run admin account, then a production WSGI server (waitress)."""
from __future__ import annotations

import time

import click

from ..accounts import ensure_admin
from .extensions import db


def run(app, host: str, port: int, threads: int = 8) -> None:
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
    warm_up(app)
    click.echo(f"Casebook serving on http://{host}:{port}/  (site at /docs/)")
    from waitress import serve
    serve(app, host=host, port=port, threads=threads, ident="casebook")


def warm_up(app) -> None:
    """Load the content, the embedding model and the search index before the first request, so
    the first report or search does not wait for them. Problems are reported, never fatal."""
    started = time.monotonic()
    click.echo("Loading content, the embedding model and the search index ...")
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
    click.echo(f"  ready in {time.monotonic() - started:.1f} s")
