"""Scenario scoring: a trainer's rubric per step, explained by the rules. No Flask here."""
from __future__ import annotations

from .rubric import FAIL, KINDS, NA, PASS, Cap, Criterion, CriticalFailure, Report, Settings
from .scorer import Scorer, TranscriptError, Turn, parse_transcript, point_matcher, scorer_for

__all__ = ["FAIL", "KINDS", "NA", "PASS", "Cap", "Criterion", "CriticalFailure", "Report", "Settings", "Scorer",
           "TranscriptError", "Turn", "parse_transcript", "point_matcher", "scorer_for"]
