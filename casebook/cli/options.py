"""Options shared by commands."""
from __future__ import annotations

import click

from ..paths import content_root


def root_option(func):
    """--root DIR: the content tree to work on (default: the current directory)."""
    def convert(ctx, param, value):
        root = content_root(value)
        if not root.is_dir():
            raise click.BadParameter(f"{root} is not a directory")
        return root
    return click.option("--root", "root", type=click.Path(file_okay=False), default=None, callback=convert,
                        help="Content root (default: $CASEBOOK_ROOT or the current directory).")(func)
