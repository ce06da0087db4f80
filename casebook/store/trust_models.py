"""Disputes: an agent contests one criterion of a scenario report or one key point of a short answer.

Every change here comes with an Alembic revision (migrations/versions/0006_disputes.py).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base, utcnow

SOURCES = ("scenario", "quiz")
STATES = ("open", "accepted", "rejected")


class Dispute(Base):
    __tablename__ = "disputes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(16))                     # scenario | quiz
    scenario_attempt_id: Mapped[int | None] = mapped_column(
        ForeignKey("scenario_attempts.id", ondelete="CASCADE"), nullable=True, index=True)
    quiz_attempt_id: Mapped[int | None] = mapped_column(
        ForeignKey("quiz_attempts.id", ondelete="CASCADE"), nullable=True, index=True)
    question_id: Mapped[str | None] = mapped_column(String(16), nullable=True)
    case_id: Mapped[str | None] = mapped_column(String(16), nullable=True)
    criterion: Mapped[int] = mapped_column(Integer)      # report criterion index, or key point index
    kind: Mapped[str] = mapped_column(String(32))        # criterion kind (quiz: the question type)
    label: Mapped[str] = mapped_column(Text)             # the criterion as the agent saw it
    step: Mapped[str | None] = mapped_column(String(64), nullable=True)
    auto_status: Mapped[str] = mapped_column(String(8))  # what the scorer said
    comment: Mapped[str] = mapped_column(Text)           # the agent's reason
    state: Mapped[str] = mapped_column(String(16), default="open", index=True)
    # "<source>:<attempt>:<question>:<criterion>" while open, NULL once resolved: one open dispute
    # per criterion, enforced by the database even when two arrive at once
    open_key: Mapped[str | None] = mapped_column(String(80), unique=True, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    resolver_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    resolution: Mapped[str | None] = mapped_column(Text, nullable=True)  # the trainer's why
    score_before: Mapped[float | None] = mapped_column(Float, nullable=True)
    score_after: Mapped[float | None] = mapped_column(Float, nullable=True)
    validation_id: Mapped[str | None] = mapped_column(String(32), nullable=True)  # once added to the validation set
