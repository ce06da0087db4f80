"""A trainer's answer to a possible critical failure the scorer sent for review (Report.review)."""
from __future__ import annotations

from ..store.scenario_models import ScenarioAttempt, ScenarioCriticalReview
from .disputes import accepted_overrides
from .errors import TrustError
from .reports import effective, report_of

MAX_COMMENT = 1000


def as_dict(row: ScenarioCriticalReview | None) -> dict | None:
    return None if row is None else {"critical": row.critical, "comment": row.comment, "at": row.created_at,
                                     "score_before": row.score_before}


def pending(attempt: ScenarioAttempt) -> list[dict]:
    """The possible critical failures of a finished attempt no trainer has answered yet."""
    report = report_of(attempt)
    if report is None or attempt.critical_review is not None:
        return []
    return list(report.get("review") or [])


def answer(session, attempt: ScenarioAttempt, reviewer_id: int, critical: bool,
           comment: str | None) -> ScenarioCriticalReview:
    """Record a trainer's answer (a later one replaces it) and set the attempt's score: 0 when it is a
    critical failure, else the score as disputes left it. A critical verdict needs a reason."""
    report = report_of(attempt)
    if report is None or attempt.status != "finished":
        raise TrustError("练习还没有完成", 409)
    if not report.get("review"):
        raise TrustError("这次练习没有待复核的可能严重问题", 409)
    comment = (comment or "").strip() or None
    if critical and not comment:
        raise TrustError("判定为严重问题时请写明理由（学员会看到）")
    if comment and len(comment) > MAX_COMMENT:
        raise TrustError(f"理由过长（最多 {MAX_COMMENT} 字）")
    row = attempt.critical_review
    if row is None:
        row = ScenarioCriticalReview(attempt_id=attempt.id, score_before=attempt.score)
        session.add(row)
        attempt.critical_review = row
    row.reviewer_id, row.critical, row.comment = reviewer_id, critical, comment
    attempt.score = effective(report, accepted_overrides(session, attempt.id), confirmed_critical=critical)["score"]
    session.flush()
    return row
