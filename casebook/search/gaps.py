"""Content gaps: searches that found only weak matches, and searches whose results were never opened.

- A weak search (SearchResult.weak, calibrated in engine.py) is logged in search_gaps from the
  command line, the API, the search page and /api/similar.
- Searches from the search page and the API are also logged in search_events with a random id
  that the client sends back when a result is opened (the page's static search.js, or
  ``POST /api/search/click``). A search with results that nobody opened within UNOPENED_AFTER is
  a gap too: the results did not look useful.

``summary`` groups both kinds by similar query (normalised text; near-duplicates merged) with
counts. Queries are redacted before they are stored (agents paste customer messages).
"""
from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass, field

from sqlalchemy import select

from ..store.search_models import SearchEvent, SearchGap
from .normalize import normalize
from .redact import redact

MAX_QUERY = 500
#: A search whose results were not opened within this time counts as "never opened".
UNOPENED_AFTER = dt.timedelta(minutes=30)
#: Queries this similar (rapidfuzz token-set ratio of the normalised text, 0–100) are one group.
GROUP_SIMILARITY = 85
MAX_ROWS = 20000

_PUNCT_RE = re.compile(r"[\s\W_]+", re.UNICODE)


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def _clean(query: str) -> str:
    return redact((query or "").strip()[:MAX_QUERY]).text


def record(database, query: str, top_score: float | None, hits: int, source: str = "") -> None:
    text = _clean(query)
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


def record_search(database, result, source: str = "") -> str | None:
    """Log a page/API search so that opening one of its results can be recorded; returns the
    search id to give the client (None when nothing was logged). Weak searches are also logged
    as gaps. Never raises."""
    if database is None:
        return None
    record_if_weak(database, result, source)
    if not result.hits:
        return None
    try:
        text = _clean(result.query)
        if not text:
            return None
        token = secrets.token_hex(12)
        with database.session() as session:
            session.add(SearchEvent(id=token, query=text, weak=bool(result.weak), hits=len(result.hits),
                                    top_score=result.top_similarity, source=source[:16]))
        return token
    except Exception:  # noqa: BLE001 - logging never fails the search
        return None


def record_click(database, search_id: str, item_id: str) -> bool:
    """Mark a logged search as opened (its first opened result is kept); False when unknown."""
    with database.session() as session:
        event = session.get(SearchEvent, search_id)
        if event is None:
            return False
        if event.opened_at is None:
            event.opened_at = _utcnow()
            event.opened_id = item_id[:64]
        return True


@dataclass
class GapRow:
    query: str                  # the most frequent wording of the group
    count: int                  # weak + unopened
    last: dt.datetime
    best: float | None
    weak: int = 0
    unopened: int = 0
    variants: list[str] = field(default_factory=list)


def group_key(query: str) -> str:
    """Normalised text used to group queries: half-width, Simplified, case-folded, no punctuation."""
    return _PUNCT_RE.sub(" ", normalize(query, fold_case=True)).strip()


def summary(database, since: dt.datetime | None = None, limit: int = 50,
            now: dt.datetime | None = None) -> list[GapRow]:
    """Weak and never-opened searches grouped by similar query, most frequent first."""
    now = now or _utcnow()
    items: list[tuple[str, dt.datetime, float | None, str]] = []   # (query, time, score, reason)
    with database.session() as session:
        stmt = select(SearchGap.query, SearchGap.created_at, SearchGap.top_score)
        if since is not None:
            stmt = stmt.where(SearchGap.created_at >= since)
        for q, created, score in session.execute(stmt.order_by(SearchGap.created_at.desc()).limit(MAX_ROWS)):
            items.append((q, created, score, "weak"))
        stmt = select(SearchEvent.query, SearchEvent.created_at, SearchEvent.top_score).where(
            SearchEvent.opened_at.is_(None), SearchEvent.weak.is_(False), SearchEvent.created_at <= now - UNOPENED_AFTER)
        if since is not None:
            stmt = stmt.where(SearchEvent.created_at >= since)
        for q, created, score in session.execute(stmt.order_by(SearchEvent.created_at.desc()).limit(MAX_ROWS)):
            items.append((q, created, score, "unopened"))
    return group(items)[:limit]


def group(items: list[tuple[str, dt.datetime, float | None, str]]) -> list[GapRow]:
    """Group (query, time, score, reason) items: equal normalised text first, then groups whose
    texts are near-duplicates (GROUP_SIMILARITY) are merged, largest first."""
    from rapidfuzz import fuzz
    exact: dict[str, list] = {}
    for item in items:
        key = group_key(item[0])
        if key:
            exact.setdefault(key, []).append(item)
    clusters: list[tuple[str, list]] = []
    for key, members in sorted(exact.items(), key=lambda kv: -len(kv[1])):
        for ckey, cmembers in clusters:
            if fuzz.token_set_ratio(key, ckey) >= GROUP_SIMILARITY and fuzz.ratio(key, ckey) >= GROUP_SIMILARITY - 20:
                cmembers.extend(members)
                break
        else:
            clusters.append((key, list(members)))
    rows = []
    for _key, members in clusters:
        wordings: dict[str, int] = {}
        for q, *_ in members:
            wordings[q] = wordings.get(q, 0) + 1
        ordered = sorted(wordings, key=lambda w: (-wordings[w], w))
        scores = [m[2] for m in members if m[2] is not None]
        rows.append(GapRow(query=ordered[0], count=len(members), last=max(m[1] for m in members),
                           best=max(scores) if scores else None,
                           weak=sum(1 for m in members if m[3] == "weak"),
                           unopened=sum(1 for m in members if m[3] == "unopened"), variants=ordered[1:6]))
    rows.sort(key=lambda r: (-r.count, -r.last.timestamp()))
    return rows


def clear(database) -> int:
    with database.session() as session:
        rows = session.query(SearchGap).delete()
        rows += session.query(SearchEvent).filter(SearchEvent.opened_at.is_(None)).delete()
    return rows
