"""Scenario practice tables: attempts, their turns, trainer grades and per-scenario settings."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, update
from sqlalchemy.exc import OperationalError
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
    critical_review: Mapped["ScenarioCriticalReview | None"] = relationship(back_populates="attempt", uselist=False,
                                                                          cascade="all, delete-orphan")

    @property
    def critical_confirmed(self) -> bool:
        """A trainer answered the scorer's possible critical failure: it is one (the attempt scores 0)."""
        return self.critical_review is not None and self.critical_review.critical


class ScenarioTurn(Base):
    __tablename__ = "scenario_turns"
    # one answer per (attempt, step): a double click can never store a step twice (revision sec_0003)
    __table_args__ = (Index("uq_scenario_turn_step", "attempt_id", "step", unique=True),)

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
    """A trainer's grade of one criterion of a finished attempt (for calibration). Several trainers
    may grade the same attempt: one row per (attempt, criterion, trainer) (revision 0006_disputes)."""
    __tablename__ = "scenario_grades"
    __table_args__ = (UniqueConstraint("attempt_id", "criterion", "grader_id", name="uq_scenario_grade_grader"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("scenario_attempts.id", ondelete="CASCADE"), index=True)
    grader_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    criterion: Mapped[int] = mapped_column(Integer)  # index into the attempt's report criteria
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(8))  # pass | fail | na
    auto_status: Mapped[str | None] = mapped_column(String(8), nullable=True)  # the scorer's, when graded
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)  # required when it differs from the scorer
    blind: Mapped[bool] = mapped_column(Boolean, default=False)       # graded without seeing the scorer's verdict
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    attempt: Mapped[ScenarioAttempt] = relationship(back_populates="grades")


class ScenarioCriticalReview(Base):
    """A trainer's answer to the possible critical failure the scorer sent for review (Report.review): it
    is one (critical: the attempt scores 0 and fails) or it is not (the score stands). One per attempt; a
    later answer replaces it (revision 0007_critical_review)."""
    __tablename__ = "scenario_critical_reviews"

    attempt_id: Mapped[int] = mapped_column(ForeignKey("scenario_attempts.id", ondelete="CASCADE"), primary_key=True)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    critical: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    score_before: Mapped[float | None] = mapped_column(Float, nullable=True)  # the score the answer replaced
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    attempt: Mapped[ScenarioAttempt] = relationship(back_populates="critical_review")


class ScenarioSetting(Base):
    """Per-scenario training settings a trainer may change (the time scale)."""
    __tablename__ = "scenario_settings"

    case_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    time_scale: Mapped[float] = mapped_column(Float, default=1.0)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


def claim_step(session, attempt: ScenarioAttempt) -> bool:
    """Lock an active attempt at the step it was read at, as the first write of the transaction
    (the row lock on PostgreSQL, the write lock on SQLite). False when another answer got there
    first (the step moved on or the attempt finished); the attempt is reloaded either way."""
    seen = attempt.current_step
    try:
        claimed = session.execute(
            update(ScenarioAttempt)
            .where(ScenarioAttempt.id == attempt.id, ScenarioAttempt.status == "active",
                   ScenarioAttempt.current_step == seen)
            .values(current_step=seen)
            .execution_options(synchronize_session=False)).rowcount == 1
    except OperationalError as exc:
        # SQLite's busy timeout ran out: an answer to this attempt holds the write lock while it
        # is scored, so this one is a duplicate of it
        if "locked" not in str(exc):
            raise
        session.rollback()
        return False
    session.expire(attempt)
    return claimed
