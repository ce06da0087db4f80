"""How long the trainer pages' figures take for a cohort of a given size: a synthetic cohort is
written into a throwaway SQLite store (quizzes answered across the bank, scenario attempts with
reports, calibration grades, certificates), then the dashboard's tables, one scenario's statistics
and one agent's record with its xAPI statements are timed. Prints figures; never a pass/fail test."""
from __future__ import annotations

import datetime as dt
import json
import random
import statistics
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from ..store.database import Database
from ..store.models import User
from ..store.scenario_models import ScenarioAttempt, ScenarioGrade, ScenarioTurn
from ..store.training_models import Attempt, AttemptItem, Certificate

KINDS = ("required_actions", "key_points", "tone", "avoid", "response_time")


def populate(db: Database, project, agents: int, quizzes: int, scenarios: int, seed: int = 1) -> dict:
    """Write the synthetic cohort; returns its counts and the ids to time against."""
    rng = random.Random(seed)
    questions = sorted(project.questions)
    cases = [loc.obj for _, loc in sorted(project.cases.items()) if loc.obj.scenario is not None]
    start = dt.datetime(2026, 1, 5, 2, 0)
    counts = {"agents": agents, "quiz_attempts": 0, "answers": 0, "scenario_attempts": 0, "grades": 0}
    with db.session() as session:
        trainer = User(username="bench-trainer", display_name="培训师", role="trainer", password_hash="-")
        session.add(trainer)
        users = [User(username=f"bench{i:04d}", display_name=f"客服{i:04d}", role="agent", password_hash="-")
                 for i in range(agents)]
        session.add_all(users)
        session.flush()
        for k, user in enumerate(users):
            skill = rng.uniform(0.4, 0.95)
            for n in range(quizzes):
                when = start + dt.timedelta(days=n, minutes=k)
                picked = rng.sample(questions, min(10, len(questions)))
                scores = [1.0 if rng.random() < skill else 0.0 for _ in picked]
                attempt = Attempt(user_id=user.id, kind="practice", spec={}, created_at=when, updated_at=when,
                                  submitted_at=when + dt.timedelta(minutes=12), score=sum(scores) / len(scores))
                session.add(attempt)
                session.flush()
                session.add_all([AttemptItem(attempt_id=attempt.id, question_id=q, position=i, presented={},
                                             response={"text": "bench"}, score=s, saved_at=when)
                                 for i, (q, s) in enumerate(zip(picked, scores))])
                counts["quiz_attempts"] += 1
                counts["answers"] += len(picked)
            if skill > 0.8:
                when = start + dt.timedelta(days=quizzes, minutes=k)
                exam = Attempt(user_id=user.id, kind="exam", spec={}, created_at=when, updated_at=when,
                               submitted_at=when + dt.timedelta(minutes=40), score=skill, pass_mark=0.8, passed=True)
                session.add(exam)
                session.flush()
                session.add(Certificate(user_id=user.id, attempt_id=exam.id, score=skill, issued_at=exam.submitted_at))
            for n in range(scenarios):
                case = cases[rng.randrange(len(cases))]
                steps = [s.id for s in case.scenario.steps][:3]
                criteria = [{"step": step, "kind": kind, "label": f"{kind} {step}", "weight": 1, "evidence": "",
                             "status": "pass" if rng.random() < skill else "fail", "deduction": 15.0}
                            for step in steps for kind in KINDS]
                for c in criteria:
                    c["deduction"] = 0.0 if c["status"] == "pass" else 15.0
                score = round(100 * sum(c["status"] == "pass" for c in criteria) / len(criteria), 1)
                when = start + dt.timedelta(days=n * 2, hours=3, minutes=k)
                attempt = ScenarioAttempt(user_id=user.id, case_id=case.id, status="finished", score=score,
                                          started_at=when - dt.timedelta(minutes=8), finished_at=when,
                                          report_json=json.dumps({"case": case.id, "score": score, "max": 100.0,
                                                                  "criteria": criteria, "path": steps}))
                session.add(attempt)
                session.flush()
                session.add_all([ScenarioTurn(attempt_id=attempt.id, position=i, step=step, actions='["reply"]',
                                              reply="您好，已为您处理。", created_at=when) for i, step in enumerate(steps)])
                counts["scenario_attempts"] += 1
                if n % 3 == 0:
                    session.add_all([ScenarioGrade(attempt_id=attempt.id, grader_id=trainer.id, criterion=i, kind=c["kind"],
                                                   status=c["status"] if rng.random() < 0.85 else "fail",
                                                   created_at=when + dt.timedelta(hours=1))
                                     for i, c in enumerate(criteria)])
                    counts["grades"] += len(criteria)
        counts["agent_id"] = users[0].id
        counts["case"] = max(cases, key=lambda c: len(c.scenario.steps)).id
    return counts


def _time(fn, runs: int) -> tuple[float, float]:
    """(median, max) seconds of `runs` calls."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), max(times)


def run(project, agents: int, quizzes: int, scenarios: int, runs: int = 5, log=print) -> dict:
    from ..insight import dashboard, records, scenarios as scenario_stats, xapi
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'bench.db'}")
        db.migrate()
        try:
            start = time.perf_counter()
            counts = populate(db, project, agents, quizzes, scenarios)
            log(f"cohort written in {time.perf_counter() - start:.1f} s: {counts['agents']} agents, "
                f"{counts['quiz_attempts']} quizzes ({counts['answers']} answers), "
                f"{counts['scenario_attempts']} scenario attempts, {counts['grades']} calibration grades")
            tz = ZoneInfo("Asia/Shanghai")
            located = project.cases[counts["case"]].obj
            figures = {"counts": counts}
            figures["dashboard"] = _time(lambda: dashboard.dashboard(db, project, tz), runs)

            def one_case():
                with db.session() as session:
                    scenario_stats.case_statistics(session, located)
            figures["scenario_statistics"] = _time(one_case, runs)

            def export():
                rec = records.record(db, project, counts["agent_id"])
                return xapi.statements(rec, "https://casebook.example.cn")
            figures["record_xapi"] = _time(export, runs)
            figures["statements"] = len(export())
        finally:
            db.dispose()
    return figures


def format_results(figures: dict) -> str:
    lines = []
    for key, label in (("dashboard", "trainer dashboard, all six charts' tables"),
                       ("scenario_statistics", f"statistics of {figures['counts']['case']}"),
                       ("record_xapi", f"one agent's record + xAPI ({figures['statements']} statements)")):
        median, top = figures[key]
        lines.append(f"{label}: median {median * 1000:.0f} ms, max {top * 1000:.0f} ms")
    return "\n".join(lines)
