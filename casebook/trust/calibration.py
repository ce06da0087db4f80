"""Calibration that is quick and blind (service functions, no Flask).

A trainer grades a finished scenario attempt in one of two ways:

- **agree with all** (全部同意自动评分), with per-criterion overrides; an override that differs from
  the scorer needs a comment;
- **blind**: the scorer's verdicts are hidden until the trainer has graded; each criterion gets the
  trainer's own verdict (those left open count as agreeing with nothing: they are not stored).

Several trainers may grade the same attempt (one row per trainer and criterion). `stats` gives the
per-kind agreement (scorer vs trainer, trainer vs trainer) and the agreement gates.
"""
from __future__ import annotations

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import aliased

from ..scoring.rubric import STATUSES
from ..store.models import User, utcnow
from ..store.scenario_models import ScenarioAttempt, ScenarioGrade
from . import agreement
from .errors import TrustError
from .reports import report_of

MAX_COMMENT = 1000


def graded_by(attempt: ScenarioAttempt, grader_id: int) -> dict[int, ScenarioGrade]:
    return {g.criterion: g for g in attempt.grades if g.grader_id == grader_id}


def grade(session, attempt: ScenarioAttempt, grader_id: int, *, agree_all: bool = False,
          overrides: dict[int, tuple[str, str]] | None = None, blind: bool = False) -> int:
    """Store one trainer's grades of an attempt; returns how many criteria were stored.

    `overrides`: {criterion index: (status, comment)}. With `agree_all`, every other criterion takes
    the scorer's status. Without it (blind grading) only the criteria in `overrides` are stored, and
    comments are optional. A status that differs from the scorer's needs a comment unless blind."""
    report = report_of(attempt)
    if report is None:
        raise TrustError("练习尚未完成，不能评分", 409)
    criteria = report["criteria"]
    overrides = dict(overrides or {})
    if not agree_all and not overrides:
        raise TrustError("请选择“全部同意自动评分”，或至少给出一项评分")
    chosen: dict[int, tuple[str, str]] = {}
    for index, (status, comment) in sorted(overrides.items()):
        if not 0 <= index < len(criteria):
            raise TrustError(f"没有第 {index + 1} 项评分标准")
        if status not in STATUSES:
            raise TrustError(f"第 {index + 1} 项的评分只能是 通过/未通过/不适用")
        comment = (comment or "").strip()
        if len(comment) > MAX_COMMENT:
            raise TrustError(f"第 {index + 1} 项的理由太长（最多 {MAX_COMMENT} 字）")
        if status != criteria[index]["status"] and not comment and not blind:
            raise TrustError(f"第 {index + 1} 项改判为与自动评分不同的结果，须填写理由")
        chosen[index] = (status, comment)
    if agree_all:
        for index, c in enumerate(criteria):
            chosen.setdefault(index, (c["status"], ""))
    existing = graded_by(attempt, grader_id)
    now = utcnow()
    for index, (status, comment) in chosen.items():
        row = existing.get(index)
        auto = criteria[index]["status"]
        if row is None:
            session.add(ScenarioGrade(attempt_id=attempt.id, grader_id=grader_id, criterion=index,
                                      kind=criteria[index]["kind"], status=status, auto_status=auto,
                                      comment=comment or None, blind=blind, created_at=now))
        else:
            row.status, row.comment, row.auto_status, row.created_at = status, comment or None, auto, now
            row.blind = row.blind or blind
    session.flush()
    session.expire(attempt, ["grades"])
    return len(chosen)


def grade_rows(session, legacy_only: bool = False) -> list[agreement.Grade]:
    """Every trainer grade of a finished attempt, with the scorer's status beside it: one query over
    the grades (each keeps the scorer's status it was given against); only grades stored before
    revision 0006 read their attempt's report."""
    rows, legacy = [], []
    query = (select(ScenarioGrade.attempt_id, ScenarioGrade.criterion, ScenarioGrade.kind, ScenarioGrade.auto_status,
                    ScenarioGrade.grader_id, ScenarioGrade.status)
             .join(ScenarioAttempt, ScenarioAttempt.id == ScenarioGrade.attempt_id)
             .where(ScenarioAttempt.status == "finished").order_by(ScenarioGrade.id))
    if legacy_only:
        query = query.where(ScenarioGrade.auto_status.is_(None))
    for attempt_id, criterion, kind, auto, grader, status in session.execute(query):
        if auto is None:
            legacy.append((attempt_id, criterion, grader, status))
        else:
            rows.append(agreement.Grade(attempt_id, criterion, kind, auto, grader, status))
    reports: dict[int, list] = {}
    for attempt_id, criterion, grader, status in legacy:
        if attempt_id not in reports:
            reports[attempt_id] = (report_of(session.get(ScenarioAttempt, attempt_id)) or {}).get("criteria") or []
        criteria = reports[attempt_id]
        if 0 <= criterion < len(criteria):
            rows.append(agreement.Grade(attempt_id, criterion, criteria[criterion]["kind"], criteria[criterion]["status"],
                                        grader, status))
    return rows


def scorer_counts(session) -> agreement.Counts:
    """Scorer vs trainer contingency counts per kind, aggregated by the database."""
    g = ScenarioGrade
    query = (select(g.kind, g.auto_status, g.status, func.count())
             .join(ScenarioAttempt, ScenarioAttempt.id == g.attempt_id)
             .where(ScenarioAttempt.status == "finished", g.auto_status.is_not(None))
             .group_by(g.kind, g.auto_status, g.status))
    counts: agreement.Counts = {}
    for kind, auto, status, n in session.execute(query):
        agreement._add(counts, kind, auto, status, n)
    if session.scalar(select(func.count()).select_from(g).where(g.auto_status.is_(None))):
        for row in grade_rows(session, legacy_only=True):
            agreement._add(counts, row.kind, row.auto, row.status)
    return counts


def trainer_counts(session) -> agreement.Counts:
    """Trainer vs trainer counts per kind: every two trainers (lower id first) on the same criterion."""
    one, two = aliased(ScenarioGrade), aliased(ScenarioGrade)
    query = (select(one.kind, one.status, two.status, func.count())
             .join(two, (two.attempt_id == one.attempt_id) & (two.criterion == one.criterion)
                   & (two.grader_id > one.grader_id))
             .join(ScenarioAttempt, ScenarioAttempt.id == one.attempt_id)
             .where(ScenarioAttempt.status == "finished")
             .group_by(one.kind, one.status, two.status))
    counts: agreement.Counts = {}
    for kind, a, b, n in session.execute(query):
        agreement._add(counts, kind, a, b, n)
    return counts


def stats(session, min_kappa: float = agreement.MIN_KAPPA, min_n: int = agreement.MIN_N) -> dict:
    g = ScenarioGrade
    grades, attempts, graders = session.execute(
        select(func.count(), func.count(distinct(g.attempt_id)), func.count(distinct(g.grader_id)))
        .join(ScenarioAttempt, ScenarioAttempt.id == g.attempt_id).where(ScenarioAttempt.status == "finished")).one()
    return agreement.tables_from(scorer_counts(session), trainer_counts(session), grades=grades, attempts=attempts,
                                 graders=graders, min_kappa=min_kappa, min_n=min_n)


def closed_kinds(session, min_kappa: float = agreement.MIN_KAPPA, min_n: int = agreement.MIN_N) -> set[str]:
    return agreement.closed_kinds(agreement.gates_from(scorer_counts(session), min_kappa, min_n))


def queue(session, grader_id: int, limit: int = 200) -> list[dict]:
    """Finished attempts, those this trainer has not graded first, with how many trainers graded each."""
    out = []
    query = (select(ScenarioAttempt, User).join(User, User.id == ScenarioAttempt.user_id)
             .where(ScenarioAttempt.status == "finished").order_by(ScenarioAttempt.id.desc()).limit(limit))
    for attempt, user in session.execute(query):
        graders = {g.grader_id for g in attempt.grades}
        out.append({"id": attempt.id, "case": attempt.case_id, "agent": user.display_name or user.username,
                    "score": attempt.score, "finished_at": attempt.finished_at, "graders": len(graders),
                    "mine": grader_id in graders})
    out.sort(key=lambda r: (r["mine"], r["graders"]))
    return out


def others(attempt: ScenarioAttempt, grader_id: int, names: dict[int, str]) -> dict[int, list[dict]]:
    """Other trainers' grades per criterion (shown once this trainer has graded)."""
    out: dict[int, list[dict]] = {}
    for g in attempt.grades:
        if g.grader_id != grader_id:
            out.setdefault(g.criterion, []).append({"grader": names.get(g.grader_id, str(g.grader_id)),
                                                    "status": g.status, "comment": g.comment or ""})
    return out
