"""`casebook lint`: load all content and report every problem as path:line: message."""
from __future__ import annotations

import json
from pathlib import Path

from .content import Problem, load_project


def run_lint(root: Path, blind: bool = False) -> tuple[list[Problem], object]:
    """Content checks, then (when the content itself is sound) the scorer's: goldens and the validation bar
    (`blind`: none that shows a score, `check_scoring`)."""
    from .scoring.lint_check import check_scoring
    project = load_project(root)
    problems = list(project.problems)
    if not [p for p in problems if p.severity == "error"]:
        problems.extend(check_scoring(project, blind))
    return sorted(set(problems), key=lambda p: (p.path, p.line, p.message)), project


def format_report(problems: list[Problem], as_json: bool) -> str:
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    if as_json:
        return json.dumps({
            "ok": not errors,
            "errors": [p.as_dict() for p in errors],
            "warnings": [p.as_dict() for p in warnings],
        }, ensure_ascii=False, indent=2)
    lines = [p.format() for p in problems]
    files = len({p.path for p in problems})
    if problems:
        lines.append(f"{len(errors)} error(s), {len(warnings)} warning(s) in {files} file(s)")
    else:
        lines.append("content is clean")
    return "\n".join(lines)
