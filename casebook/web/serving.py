"""Run the app: first-run admin account, then a production WSGI server (waitress)."""
from __future__ import annotations

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
    click.echo(f"Casebook serving on http://{host}:{port}/  (site at /docs/)")
    from waitress import serve
    serve(app, host=host, port=port, threads=threads, ident="casebook")
