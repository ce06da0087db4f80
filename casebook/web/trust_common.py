"""Shared by the dispute/calibration pages and API: gate settings and the report as it now stands."""
from __future__ import annotations

import os

from flask import current_app

from ..trust import agreement, calibration, disputes
from ..trust.reports import effective, report_of


def _env_number(name: str, kind, default):
    value = os.environ.get(name, "").strip()
    try:
        return kind(value) if value else default
    except ValueError:
        return default


def gate_settings() -> tuple[float, int]:
    """(minimum kappa, minimum graded criteria): app config GATE_MIN_KAPPA / GATE_MIN_N, else the
    environment (CASEBOOK_GATE_MIN_KAPPA, CASEBOOK_GATE_MIN_N), else 0.6 and 30."""
    config = current_app.config
    kappa = config.get("GATE_MIN_KAPPA", _env_number("CASEBOOK_GATE_MIN_KAPPA", float, agreement.MIN_KAPPA))
    n = config.get("GATE_MIN_N", _env_number("CASEBOOK_GATE_MIN_N", int, agreement.MIN_N))
    return float(kappa), int(n)


def blind_default() -> bool:
    """Whether calibration hides the scorer's verdicts until the trainer has graded (CALIBRATION_BLIND,
    env CASEBOOK_CALIBRATION_BLIND=1); each page also has a switch."""
    value = current_app.config.get("CALIBRATION_BLIND", os.environ.get("CASEBOOK_CALIBRATION_BLIND", "0"))
    return str(value).lower() in ("1", "true", "yes", "on")


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
            **effective(report, disputes.accepted_overrides(session, attempt.id), closed_kinds(session))}
