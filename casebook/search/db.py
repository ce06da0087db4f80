"""The database a content root uses (resolutions, the weak-search log)."""
from __future__ import annotations

import os
from pathlib import Path

from ..paths import instance_dir


def open_database(root: Path, url: str | None = None):
    """Database for the root: url, else $DATABASE_URL, else instance/casebook.db; migrated."""
    from ..store import Database, default_url
    database = Database(url or os.environ.get("DATABASE_URL") or default_url(instance_dir(Path(root))))
    database.migrate()
    return database
