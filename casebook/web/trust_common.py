"""Shared by the dispute/calibration pages and API: gate settings and the report as it now stands."""
from __future__ import annotations

from flask import current_app

from ..trust import agreement, calibration, disputes, reviews
from ..trust.reports import effective, report_of


def gate_settings() -> tuple[float, int]:
    """(minimum kappa, minimum graded criteria): CASEBOOK_GATE_MIN_KAPPA and CASEBOOK_GATE_MIN_N
    (casebook.settings), 0.6 and 30 unless set."""
    config = current_app.config
    return float(config.get("GATE_MIN_KAPPA", agreement.MIN_KAPPA)), int(config.get("GATE_MIN_N", agreement.MIN_N))


def blind_default() -> bool:
    """Whether calibration hides the scorer's verdicts until the trainer has graded
    (CASEBOOK_CALIBRATION_BLIND); each report page also has a switch."""
    return bool(current_app.config.get("CALIBRATION_BLIND", False))


def closed_kinds(session) -> set[str]:
    kappa, n = gate_settings()
    return calibration.closed_kinds(session, kappa, n)


def stats(session) -> dict:
    kappa, n = gate_settings()
    return calibration.stats(session, kappa, n)


def attempt_view(session, attempt) -> dict | None:
    """The stored report with accepted disputes applied and closed gates marked."""
    report = report_of(attempt)
    if report is None:
        return None
    return {"report": report, "disputes": disputes.for_scenario_attempt(session, attempt.id),
            "critical_review": reviews.as_dict(attempt.critical_review),
            **effective(report, disputes.accepted_overrides(session, attempt.id), closed_kinds(session),
                        attempt.critical_confirmed)}
