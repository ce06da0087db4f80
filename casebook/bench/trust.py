"""How long the trust pages' engines take on a large store: `casebook bench trust` prints figures.

A throwaway SQLite store gets N finished attempts with a 20-criterion report each, graded by two
trainers; it times the agreement tables and gates (the calibration page, and every report page,
which checks the gates), a report with accepted disputes applied, and one rescore.
"""
from __future__ import annotations

import json
import random
import statistics
import tempfile
import time
from pathlib import Path

from ..store import open_database
from ..store.models import User
from ..store.scenario_models import ScenarioAttempt, ScenarioGrade
from ..trust import calibration
from ..trust.reports import effective
from ..trust.rescore import rescore

KINDS = ["required_actions", "forbidden_actions", "key_points", "key_points", "avoid", "tone", "response_time"]


def synthetic_report(rng: random.Random, steps: int = 3, per_step: int = 7) -> dict:
    criteria = []
    for s in range(steps):
        for k in range(per_step):
            kind = KINDS[k % len(KINDS)]
            status = "fail" if rng.random() < 0.25 else "pass"
            criteria.append({"step": f"s{s}", "kind": kind, "label": f"{kind}-{s}-{k}", "status": status, "weight": 1,
                             "evidence": "", "rule": None,
                             "deduction": 20.0 if status == "fail" and kind == "key_points" else 0.0})
    return {"case": "CASE-001", "score": 60.0, "max": 100.0, "critical": [], "caps": [],
            "path": [f"s{s}" for s in range(steps)], "criteria": criteria[:20]}


def _time(fn, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def run(attempts: int = 2000, runs: int = 5, seed: int = 7) -> dict:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as folder:
        db = open_database(f"sqlite:///{Path(folder) / 'bench.db'}", Path(folder))
        try:
            with db.session() as session:
                users = [User(username=n, display_name=n, role=r, password_hash="x")
                         for n, r in (("agent", "agent"), ("t1", "trainer"), ("t2", "trainer"))]
                session.add_all(users)
                session.flush()
                for _ in range(attempts):
                    report = synthetic_report(rng)
                    attempt = ScenarioAttempt(user_id=users[0].id, case_id="CASE-001", status="finished", score=60.0,
                                              report_json=json.dumps(report))
                    session.add(attempt)
                    session.flush()
                    for trainer in users[1:]:
                        for i, c in enumerate(report["criteria"]):
                            human = c["status"] if rng.random() < 0.85 else ("pass" if c["status"] == "fail" else "fail")
                            session.add(ScenarioGrade(attempt_id=attempt.id, grader_id=trainer.id, criterion=i,
                                                      kind=c["kind"], status=human, auto_status=c["status"]))
            report = synthetic_report(rng)
            with db.session() as session:
                grades = len(calibration.grade_rows(session))
                tables_ms = _time(lambda: calibration.stats(session), runs)
                view_ms = _time(lambda: effective(report, {0: "pass", 3: "pass"}, calibration.closed_kinds(session)), runs)
            rescore_ms = _time(lambda: rescore(report, {0: "pass"}), 200)
        finally:
            db.dispose()
    return {"attempts": attempts, "grades": grades, "agreement_tables_ms": tables_ms,
            "report_with_gates_ms": view_ms, "rescore_ms": rescore_ms}
