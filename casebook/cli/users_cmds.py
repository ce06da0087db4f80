"""Account commands: casebook users add|list|passwd."""
from __future__ import annotations

import click

from .options import open_store, root_option


def register(cli: click.Group) -> None:
    cli.add_command(users)


@click.group()
def users():
    """Manage accounts (roles: agent, trainer, admin)."""


@users.command("add")
@root_option
@click.argument("username")
@click.option("--role", type=click.Choice(["agent", "trainer", "admin"]), default="agent", show_default=True)
@click.option("--name", "display_name", default="", help="Display name (e.g. 王小明).")
@click.password_option(help="Password (prompted when omitted).")
def add(root, username, role, display_name, password):
    """Create an account."""
    from ..accounts import AccountError, add_user
    try:
        add_user(open_store(root), username, password, role=role, display_name=display_name)
    except AccountError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"created {role} '{username}'")


@users.command("list")
@root_option
def list_cmd(root):
    """List accounts."""
    from ..accounts import list_users
    for user in list_users(open_store(root)):
        state = "" if user.active else " (disabled)"
        click.echo(f"{user.username:<20} {user.role:<8} {user.display_name}{state}")


@users.command("passwd")
@root_option
@click.argument("username")
@click.password_option(help="New password (prompted when omitted).")
def passwd(root, username, password):
    """Set an account's password."""
    from ..accounts import AccountError, set_password
    try:
        set_password(open_store(root), username, password)
    except AccountError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"password changed for '{username}'")
