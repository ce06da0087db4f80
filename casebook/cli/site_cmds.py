"""Site and server commands: build, serve."""
from __future__ import annotations

import click

from .options import open_store, root_option, settings


def register(cli: click.Group) -> None:
    cli.add_command(build)
    cli.add_command(serve)
    cli.add_command(migrate)


@click.command()
@root_option
@click.option("--no-strict", is_flag=True, help="Do not fail on MkDocs warnings.")
def build(root, no_strict):
    """Build the rulebook site (and generated case pages) into build/site/, then update the search
    index (skipped with CASEBOOK_NO_SEARCH_INDEX=1). Benchmarks are separate: `casebook bench`."""
    from ..site.build import BuildError, build_site
    try:
        out = build_site(root, strict=not no_strict)
    except BuildError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"site built in {out}")
    if not settings().no_search_index:
        click.echo(_update_search_index(root), err=True)


def _update_search_index(root) -> str:
    """The search index after the site; a one-line summary. A search problem never fails the build."""
    from .search_cmds import build_search_index
    try:
        database = open_store(root)
        try:
            return build_search_index(root, database, show_progress=True).summary()
        finally:
            database.dispose()
    except Exception as exc:  # noqa: BLE001 - reported, never fatal for the site
        return f"search index not updated: {type(exc).__name__}: {exc}"


@click.command()
@root_option
@click.option("--host", default=None, help="Interface to listen on (default: $CASEBOOK_HOST or 127.0.0.1).")
@click.option("--port", default=None, type=click.IntRange(1, 65535), help="Port to listen on (default: $CASEBOOK_PORT or 8000).")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64), help="Threads per worker process.")
@click.option("--workers", default=None, type=click.IntRange(1, 64),
              help="Worker processes (default: $CASEBOOK_WORKERS or 1): 1 is one waitress process; more run gunicorn (Linux).")
def serve(root, host, port, threads, workers):
    """Serve the web app and the site (under /docs/): one waitress process, or several gunicorn workers."""
    from ..web import create_app
    from ..web.serving import run, run_workers
    config = settings()
    workers = workers or config.workers
    if workers == 1:
        app = create_app(root=root, settings=config)
        run(app, host or config.host, port or config.port, threads)
        return
    run_workers(root, host or config.host, port or config.port, workers, threads, settings=config)


@click.command()
@root_option
def migrate(root):
    """Bring the database schema up to date (every server also does this when it starts; run it
    once before a rolling upgrade so no server waits on it)."""
    from alembic.runtime.migration import MigrationContext
    database = open_store(root)
    try:
        with database.engine.connect() as connection:
            heads = sorted(MigrationContext.configure(connection).get_current_heads())
        click.echo(f"database schema up to date ({database.dialect}): {', '.join(heads)}")
    finally:
        database.dispose()
