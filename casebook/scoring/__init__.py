"""Scenario scoring: a QA-scorecard rubric per step, explained by the rules. No Flask here."""
from __future__ import annotations

from .rubric import FAIL, KINDS, NA, PASS, Criterion, CriticalFailure, Report
from .scorer import TranscriptError, Turn, parse_transcript, register_rules, score, score_golden

__all__ = ["FAIL", "KINDS", "NA", "PASS", "Criterion", "CriticalFailure", "Report", "TranscriptError", "Turn",
           "parse_transcript", "register_rules", "score", "score_golden"]
