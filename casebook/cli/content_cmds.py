"""Content commands: lint, stats, new."""
from __future__ import annotations

import json
import sys

import click

from ..content import load_project
from ..lint import format_report, run_lint
from ..scaffold import ScaffoldError, new_case, new_rule
from ..stats import compute, format_table
from .options import open_store, root_option, settings


def register(cli: click.Group) -> None:
    cli.add_command(lint)
    cli.add_command(stats)
    cli.add_command(new)


@click.command()
@root_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable report.")
@click.option("--blind", is_flag=True,
              help="Skip the checks that score (golden ranges, the held-out floor): for trainers writing blind "
                   "validation transcripts, who must not see the scorer's output. Also much faster.")
def lint(root, as_json, blind):
    """Check all content; list every problem as path:line: message.

    Exits 1 when there are errors; overdue reviews are warnings and do not fail.
    """
    problems, _ = run_lint(root, blind)
    click.echo(format_report(problems, as_json))
    sys.exit(1 if any(p.severity == "error" for p in problems) else 0)


@click.command()
@root_option
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
def stats(root, as_json):
    """Count rules per chapter, cases, questions by type, scenarios and resolutions."""
    project = load_project(root)
    data = compute(project, resolutions=count_resolutions(root))
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        click.echo(format_table(data))
    if project.problems.errors:
        click.echo(f"note: the content has {len(project.problems.errors)} lint error(s); run `casebook lint`", err=True)


def count_resolutions(root) -> int:
    """Imported resolutions of a content root (0 when it has no store yet: none is created)."""
    from ..paths import instance_dir
    from ..search.resolutions import count
    from ..store import store_exists
    if not store_exists(settings().database_url, instance_dir(root)):
        return 0
    database = open_store(root)
    try:
        return count(database)
    finally:
        database.dispose()


@click.group()
def new():
    """Scaffold new content that passes lint, ready to fill in."""


@new.command("rule")
@root_option
@click.argument("chapter")
@click.option("--title", default="新规则标题", help="The rule's title.")
def new_rule_cmd(root, chapter, title):
    """Append a new rule with the next free ID to CHAPTER (e.g. SANC)."""
    project = load_project(root)
    try:
        path, line, rule_id = new_rule(project, chapter, title)
    except ScaffoldError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"{path.relative_to(root)}:{line}: added {rule_id}; fill in its parts, then run `casebook lint`")


@new.command("case")
@root_option
@click.argument("chapter")
@click.option("--slug", default="new-case", help="English words for the file name.")
def new_case_cmd(root, chapter, slug):
    """Create a new case file (next free ID) for CHAPTER, valid and ready to fill in."""
    project = load_project(root)
    try:
        path, case_id = new_case(project, chapter, slug)
    except ScaffoldError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"{path.relative_to(root)}:1: created {case_id}; edit it, then run `casebook lint`")
