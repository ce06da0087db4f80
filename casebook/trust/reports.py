"""A stored scenario report as the agent and trainers see it after disputes and gates."""
from __future__ import annotations

import json

from ..scoring.rubric import FAIL, NA
from .rescore import rescore, without_kinds

#: An attempt passes (for certification decisions) at this score, as trainers grade (cases/README.md).
PASS_MARK = 70.0


def report_of(attempt) -> dict | None:
    return json.loads(attempt.report_json) if attempt.report_json else None


def effective(report: dict, overrides: dict[int, str], closed: set[str] | frozenset = frozenset(),
              confirmed_critical: bool = False) -> dict:
    """The report with accepted disputes applied, and the certification decision with the criterion
    kinds whose gate is closed left out (their criteria count as not applicable, unless a trainer
    corrected them: a human verdict stands). A possible critical failure a trainer confirmed
    (`confirmed_critical`) scores 0 and fails, as a flagged one does."""
    now = rescore(report, overrides)
    # with nothing overridden the scorer's own stored score stands (never a re-derivation of it)
    score = now["score"] if now["changed"] else report.get("score", now["score"])
    review = sorted({c["kind"] for c in report.get("criteria") or [] if c.get("kind") in closed and c.get("status") != NA})
    decision = rescore(report, without_kinds(report, set(closed), overrides))["score"] if review else score
    if confirmed_critical:
        score = decision = 0.0
    return {"score": score, "auto_score": report.get("score"), "criteria": now["criteria"],
            "caps": now["caps"] if now["changed"] else list(report.get("caps") or []),
            "changed": now["changed"], "decision_score": decision,
            "passed": decision >= PASS_MARK, "needs_review": review,
            "failed": [i for i, c in enumerate(now["criteria"]) if c["status"] == FAIL]}
