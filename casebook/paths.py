"""Where things live, relative to a content root."""
from __future__ import annotations

import os
from pathlib import Path


def content_root(root: str | os.PathLike | None = None) -> Path:
    """The content root: `root` (--root, else CASEBOOK_ROOT from the settings), else the current directory."""
    return Path(root or os.getcwd()).resolve()


def site_dir(root: Path) -> Path:
    return root / "build" / "site"


def instance_dir(root: Path) -> Path:
    return root / "instance"
