"""Options and objects shared by commands: the settings and the content root."""
from __future__ import annotations

import click

from ..paths import content_root, instance_dir
from ..settings import Settings, SettingsError, load_settings


def settings() -> Settings:
    """The settings, read from the environment once per command line (kept on the root context)."""
    ctx = click.get_current_context()
    root = ctx.find_root()
    found = root.meta.get("casebook.settings")
    if found is None:
        try:
            found = root.meta["casebook.settings"] = load_settings()
        except SettingsError as exc:
            raise click.ClickException(str(exc))
        from ..accounts import configure_hashing
        configure_hashing(found.password_hash_time_cost, found.password_hash_memory_kib)
    return found


def open_store(root, migrate: bool = True):
    """The store of a content root (DATABASE_URL, else instance/casebook.db)."""
    from ..store import open_database
    return open_database(settings().database_url, instance_dir(root), migrate=migrate)


def root_option(func):
    """--root DIR: the content tree to work on (default: $CASEBOOK_ROOT or the current directory)."""
    def convert(ctx, param, value):
        root = content_root(value or settings().root)
        if not root.is_dir():
            raise click.BadParameter(f"{root} is not a directory")
        return root
    return click.option("--root", "root", type=click.Path(file_okay=False), default=None, callback=convert,
                        help="Content root (default: $CASEBOOK_ROOT or the current directory).")(func)
