"""Scenario practice tables: attempts, their turns, trainer grades and per-scenario settings."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .models import Base, utcnow


class ScenarioAttempt(Base):
    __tablename__ = "scenario_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[str] = mapped_column(String(16), index=True)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | finished
    current_step: Mapped[str | None] = mapped_column(String(64), nullable=True)
    step_shown_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    time_scale: Mapped[float] = mapped_column(Float, default=1.0)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    report_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)

    turns: Mapped[list["ScenarioTurn"]] = relationship(back_populates="attempt", order_by="ScenarioTurn.position",
                                                        cascade="all, delete-orphan")
    grades: Mapped[list["ScenarioGrade"]] = relationship(back_populates="attempt", cascade="all, delete-orphan")


class ScenarioTurn(Base):
    __tablename__ = "scenario_turns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("scenario_attempts.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    step: Mapped[str] = mapped_column(String(64))
    actions: Mapped[str] = mapped_column(Text, default="[]")  # JSON list
    reply: Mapped[str] = mapped_column(Text, default="")
    visibility: Mapped[str] = mapped_column(String(16), default="public")
    real_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    minutes: Mapped[float] = mapped_column(Float, default=0.0)  # simulated minutes (real × time scale)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    attempt: Mapped[ScenarioAttempt] = relationship(back_populates="turns")


class ScenarioGrade(Base):
    """A trainer's grade of one criterion of a finished attempt (for calibration)."""
    __tablename__ = "scenario_grades"
    __table_args__ = (UniqueConstraint("attempt_id", "criterion", name="uq_scenario_grade"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("scenario_attempts.id", ondelete="CASCADE"), index=True)
    grader_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    criterion: Mapped[int] = mapped_column(Integer)  # index into the attempt's report criteria
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(8))  # pass | fail | na
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    attempt: Mapped[ScenarioAttempt] = relationship(back_populates="grades")


class ScenarioSetting(Base):
    """Per-scenario training settings a trainer may change (the time scale)."""
    __tablename__ = "scenario_settings"

    case_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    time_scale: Mapped[float] = mapped_column(Float, default=1.0)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
