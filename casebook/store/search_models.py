"""Search tables: imported past resolutions and the log of weak searches (content gaps).

Every change here comes with an Alembic revision in migrations/versions/ (0002_search).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, Float, Integer, String, Text
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
