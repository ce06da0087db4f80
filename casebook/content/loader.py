"""Loading a content root: read every file, then check the references across them."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from .checks import check_project
from .project import Project, read_project


def load_project(root: str | Path, today: dt.date | None = None) -> Project:
    """Load every content file under root and check it. Never raises on bad content: see project.problems."""
    project = read_project(root, today)
    check_project(project)     # cross-references need the whole project
    return project
