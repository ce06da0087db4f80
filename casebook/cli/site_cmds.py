"""Site and server commands: build, serve."""
from __future__ import annotations

import click

from .options import root_option


def register(cli: click.Group) -> None:
    cli.add_command(build)
    cli.add_command(serve)


@click.command()
@root_option
@click.option("--no-strict", is_flag=True, help="Do not fail on MkDocs warnings.")
def build(root, no_strict):
    """Build the rulebook site (and generated case pages) into build/site/."""
    from ..site.build import BuildError, build_site
    try:
        out = build_site(root, strict=not no_strict)
    except BuildError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"site built in {out}")


@click.command()
@root_option
@click.option("--host", default="127.0.0.1", show_default=True, envvar="CASEBOOK_HOST", help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), envvar="CASEBOOK_PORT", help="Port to listen on.")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64), help="Threads per worker process.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64), envvar="CASEBOOK_WORKERS",
              help="Worker processes: 1 is one waitress process; more run gunicorn (Linux).")
def serve(root, host, port, threads, workers):
    """Serve the web app and the site (under /docs/): one waitress process, or several gunicorn workers."""
    from ..web import create_app
    from ..web.serving import run, run_workers
    if workers == 1:
        app = create_app(root=root)
        run(app, host, port, threads)
        return
    run_workers(root, host, port, workers, threads)
