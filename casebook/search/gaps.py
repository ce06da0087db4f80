"""Content gaps: searches that found nothing or only weak matches, kept for trainers.

Queries are redacted before they are stored (agents paste customer messages).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from ..store.search_models import SearchGap
from .redact import redact

MAX_QUERY = 500


def record(database, query: str, top_score: float | None, hits: int, source: str = "") -> None:
    text = redact(query.strip()[:MAX_QUERY]).text
    if not text:
        return
    with database.session() as session:
        session.add(SearchGap(query=text, top_score=top_score, hits=hits, source=source[:16]))


def record_if_weak(database, result, source: str = "") -> bool:
    """Log a SearchResult when it is weak; True when it was logged. Never raises."""
    if database is None or not result.weak:
        return False
    try:
        record(database, result.query, result.top_similarity, len(result.hits), source)
    except Exception:  # noqa: BLE001 - a failing log must not fail the search
        return False
    return True


@dataclass
class GapRow:
    query: str
    count: int
    last: dt.datetime
    best: float | None


def summary(database, since: dt.datetime | None = None, limit: int = 50) -> list[GapRow]:
    """Weak queries grouped by text, most frequent first."""
    with database.session() as session:
        stmt = select(SearchGap.query, func.count(SearchGap.id), func.max(SearchGap.created_at),
                      func.max(SearchGap.top_score)).group_by(SearchGap.query)
        if since is not None:
            stmt = stmt.where(SearchGap.created_at >= since)
        stmt = stmt.order_by(func.count(SearchGap.id).desc(), func.max(SearchGap.created_at).desc()).limit(limit)
        return [GapRow(q, n, last, best) for q, n, last, best in session.execute(stmt)]


def clear(database) -> int:
    with database.session() as session:
        rows = session.query(SearchGap).delete()
    return rows
