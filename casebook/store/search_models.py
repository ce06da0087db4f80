"""Search tables: imported past resolutions and the log of weak searches (content gaps).

Every change here comes with an Alembic revision in migrations/versions/ (0002_search).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, Float, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base, utcnow


class Resolution(Base):
    """A past resolution of a customer problem, redacted before it was stored."""
    __tablename__ = "resolutions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    date: Mapped[dt.date | None] = mapped_column(Date, nullable=True, index=True)
    channel: Mapped[str] = mapped_column(String(100), default="")
    category: Mapped[str] = mapped_column(String(100), default="", index=True)
    problem: Mapped[str] = mapped_column(Text)
    resolution: Mapped[str] = mapped_column(Text)
    agent: Mapped[str] = mapped_column(String(100), default="")
    rule_ids: Mapped[str] = mapped_column(String(500), default="")   # comma-separated rule IDs
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    @property
    def rules(self) -> list[str]:
        return [r for r in self.rule_ids.split(",") if r]


class SearchGap(Base):
    """A search that found nothing or only weak matches."""
    __tablename__ = "search_gaps"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    query: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    top_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    hits: Mapped[int] = mapped_column(Integer, default=0)
    source: Mapped[str] = mapped_column(String(16), default="")


class SearchEvent(Base):
    """A search made from the search page or the API, and the result opened from it (if any).
    A search whose results were never opened is a content gap too (0005_search_events)."""
    __tablename__ = "search_events"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)   # random token given to the client
    query: Mapped[str] = mapped_column(Text)                         # redacted
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    weak: Mapped[bool] = mapped_column(Boolean, default=False)
    hits: Mapped[int] = mapped_column(Integer, default=0)
    top_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    source: Mapped[str] = mapped_column(String(16), default="")
    opened_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    opened_id: Mapped[str | None] = mapped_column(String(64), nullable=True)


# ---------------------------------------------------------------- the search index in the database
# The database is the search index's source of truth (multi_0001_search_store): every app process
# keeps its faiss and BM25 structures in memory as a cache of these rows and brings itself up to
# date when the generation in search_index_state changes (casebook/search/live.py).

class SearchEmbedding(Base):
    """A passage vector: one row per (embedder, content hash), shared by every document and build."""
    __tablename__ = "search_embeddings"

    embedder: Mapped[str] = mapped_column(String(120), primary_key=True)
    hash: Mapped[str] = mapped_column(String(32), primary_key=True)
    dim: Mapped[int] = mapped_column(Integer)
    vec: Mapped[bytes] = mapped_column(LargeBinary)


class SearchTokens(Base):
    """Keyword tokens of a text: one row per (tokenizer version, content hash)."""
    __tablename__ = "search_tokens"

    tokenizer: Mapped[str] = mapped_column(String(64), primary_key=True)
    hash: Mapped[str] = mapped_column(String(32), primary_key=True)
    tokens: Mapped[str] = mapped_column(Text)


class SearchDocument(Base):
    """An indexed document (rule, case, question, resolution) as of the generation that last
    changed it; a removed document stays as a tombstone (deleted) so other servers drop it."""
    __tablename__ = "search_documents"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    ordinal: Mapped[int] = mapped_column(Integer)             # position in the build order
    kind: Mapped[str] = mapped_column(String(16))
    passage_hash: Mapped[str] = mapped_column(String(32))     # -> search_embeddings.hash
    keyword_hash: Mapped[str] = mapped_column(String(32))     # -> search_tokens.hash
    data: Mapped[str] = mapped_column(Text)                   # the Document as JSON
    generation: Mapped[int] = mapped_column(Integer, index=True)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class SearchIndexState(Base):
    """One row (id 1): the index generation, bumped by every change, and what it was built with."""
    __tablename__ = "search_index_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    generation: Mapped[int] = mapped_column(Integer, default=0)
    embedder: Mapped[str] = mapped_column(String(120), default="")
    embedder_spec: Mapped[str] = mapped_column(String(500), default="")
    tokenizer: Mapped[str] = mapped_column(String(64), default="")
    tokenizer_config: Mapped[str] = mapped_column(Text, default="{}")
    built_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
