"""Build the MkDocs site for a content root."""
from __future__ import annotations

import contextlib
import logging
from pathlib import Path

from ..paths import site_dir

HOOKS = Path(__file__).with_name("hooks.py")


class BuildError(Exception):
    pass


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def build_site(root: Path, strict: bool = True, out: Path | None = None) -> Path:
    """Run mkdocs build with Casebook's hooks; raise BuildError with MkDocs' warnings on failure."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    config_file = root / "mkdocs.yml"
    if not config_file.is_file():
        raise BuildError(f"{config_file} not found: run the command in a Casebook content folder or pass --root")
    out = out or site_dir(root)
    collector = _Collect()
    log = logging.getLogger("mkdocs")
    log.addHandler(collector)
    try:
        with contextlib.chdir(root):
            config = load_config(config_file=str(config_file), site_dir=str(out), hooks=[str(HOOKS)], strict=strict)
            build(config)
    except MkDocsException as exc:
        detail = "\n".join(f"  {m}" for m in collector.messages[-20:])
        raise BuildError(f"site build failed: {exc}\n{detail}".rstrip())
    except Exception as exc:  # noqa: BLE001 - report, never a traceback
        raise BuildError(f"site build failed: {type(exc).__name__}: {exc}")
    finally:
        log.removeHandler(collector)
    if strict and collector.messages:
        raise BuildError("site build has warnings (strict):\n" + "\n".join(f"  {m}" for m in collector.messages[-20:]))
    return out
