"""The `casebook` command line. Each command group lives in its own module."""
from __future__ import annotations

import sys

import click

from . import bench_cmds, content_cmds, review_cmds, scenario_cmds, search_cmds, site_cmds, users_cmds


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="casebook")
def cli() -> None:
    """Casebook: rulebook, cases, quizzes, scenarios and search for community-group service teams."""


for module in (content_cmds, review_cmds, site_cmds, users_cmds, scenario_cmds, search_cmds, bench_cmds):
    module.register(cli)


def main() -> None:
    """Entry point: never show a traceback to a user."""
    try:
        cli(standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - last line of defence
        click.echo(f"casebook: internal error: {type(exc).__name__}: {exc}", err=True)
        sys.exit(2)
