"""`casebook lint` check: every golden transcript scores inside its expect_score range."""
from __future__ import annotations

from ..content import Problem
from .scorer import TranscriptError, register_rules, score_golden


def check_goldens(project) -> list[Problem]:
    problems: list[Problem] = []
    register_rules(project.rules)
    for case_id, located in sorted(project.cases.items()):
        case = located.obj
        if case.scenario is None:
            continue
        for i, golden in enumerate(case.scenario.golden):
            line = located.line("scenario", "golden", i)
            try:
                report = score_golden(case, golden)
            except TranscriptError as exc:
                problems.append(Problem(located.path, line, f"golden '{golden.name}' cannot be scored: {exc}", "error", "golden-score"))
                continue
            low, high = golden.expect_score
            if not low <= report.score <= high:
                why = f" (critical: {report.critical[0].reason})" if report.critical else ""
                problems.append(Problem(located.path, line,
                                        f"golden '{golden.name}' scored {report.score:g}, expected [{low:g}, {high:g}]{why}",
                                        "error", "golden-score"))
    return problems


def register() -> None:
    from .. import lint
    if check_goldens not in lint.EXTRA_CHECKS:
        lint.EXTRA_CHECKS.append(check_goldens)


register()
