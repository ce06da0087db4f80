"""Review commands: confirm that the training material still matches a changed rule."""
from __future__ import annotations

import getpass

import click

from ..content import load_project
from ..content.reviews import REVIEWS_FILE, changed_rules, citations, confirm
from .options import root_option


def register(cli: click.Group) -> None:
    cli.add_command(review)


def _default_reviewer() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name available (e.g. in a container)
        return "unknown"


@click.group()
def review():
    """Rule changes: see what to re-check, and confirm it (recorded in docs/reviews.yml)."""


@review.command("status")
@root_option
def status_cmd(root):
    """List changed rules and every question, case, scenario and golden citing them."""
    project = load_project(root)
    changed = changed_rules(project)
    if not changed:
        click.echo("no rule has changed since it was last confirmed")
        return
    for rule_id, entry in sorted(changed.items()):
        cites = citations(project, rule_id)
        click.echo(f"{rule_id} changed since {entry.by} confirmed it on {entry.at:%Y-%m-%d}; {len(cites)} item(s) to re-check:")
        for cite in cites:
            click.echo(f"  {cite.path}:{cite.line}: {cite.label}")


@review.command("confirm")
@root_option
@click.argument("rule_ids", nargs=-1)
@click.option("--all", "all_rules", is_flag=True, help="Confirm every rule (e.g. to seed the file).")
@click.option("--by", default=None, help="Who confirms (default: the current user name).")
def confirm_cmd(root, rule_ids, all_rules, by):
    """Record that the material citing RULE_IDS has been re-checked against their current text."""
    project = load_project(root)
    if project.problems.errors:
        raise click.ClickException(f"the content has {len(project.problems.errors)} lint error(s); run `casebook lint` first")
    ids = sorted(project.rules) if all_rules else [r.strip().upper() for r in rule_ids]
    if not ids:
        raise click.UsageError("give one or more rule IDs, or --all")
    try:
        done = confirm(root, project, ids, by or _default_reviewer())
    except ValueError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"{REVIEWS_FILE}: confirmed {len(done)} rule(s): {', '.join(done) if len(done) <= 10 else str(len(done)) + ' rules'}")
