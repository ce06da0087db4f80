"""Per-scenario statistics from the store: the finished attempts' reports fed to
scoring.stats.scenario_statistics, with the case's step order and Chinese labels. No Flask."""
from __future__ import annotations

import json

from sqlalchemy import func, select

from ..content.schema import humanize_actions
from ..quiz.stats import MIN_RESPONSES
from ..scoring.rubric import kind_label
from ..scoring.stats import FLAGS, scenario_statistics
from ..store.models import User
from ..store.scenario_models import ScenarioAttempt

STEP_COLUMNS = ["step", "number", "kind", "kind_label", "label_zh", "responses", "passes", "facility", "discrimination",
                "points_lost", "mean_points_lost", "flags"]


def overview(session, cases) -> list[dict]:
    """One row per scenario: finished attempts by agents and their mean score."""
    counts = {case_id: (n, mean) for case_id, n, mean in session.execute(
        select(ScenarioAttempt.case_id, func.count(), func.avg(ScenarioAttempt.score))
        .join(User, User.id == ScenarioAttempt.user_id)
        .where(ScenarioAttempt.status == "finished", User.role == "agent")
        .group_by(ScenarioAttempt.case_id))}
    return [{"case_id": case.id, "title": case.title, "attempts": counts.get(case.id, (0, None))[0],
             "mean_score": round(float(counts[case.id][1]), 1) if case.id in counts and counts[case.id][1] is not None else None}
            for case in cases]


def case_statistics(session, case, min_responses: int = MIN_RESPONSES) -> dict:
    """scenario_statistics of one case's finished attempts by agents, steps numbered in the case's order."""
    reports = []
    for (text,) in session.execute(select(ScenarioAttempt.report_json)
                                   .join(User, User.id == ScenarioAttempt.user_id)
                                   .where(ScenarioAttempt.case_id == case.id, ScenarioAttempt.status == "finished",
                                          ScenarioAttempt.report_json.is_not(None), User.role == "agent")
                                   .order_by(ScenarioAttempt.id)):
        try:
            reports.append(json.loads(text))
        except ValueError:
            continue
    order = [s.id for s in case.scenario.steps]
    stats = scenario_statistics(reports, step_order=order, min_responses=min_responses)
    number = {step: i for i, step in enumerate(order, start=1)}
    for step in stats["steps"]:
        step["number"] = number.get(step["step"])
        for branch in step["branches"]:
            branch["number"] = number.get(branch["next"]) if branch["next"] else None
        for c in step["criteria"]:
            c["kind_label"] = kind_label(c["kind"])
            c["label_zh"] = humanize_actions(c["label"])
            c["flag_labels"] = [FLAGS.get(f, f) for f in c["flags"]]
    return stats


def criteria_rows(stats: dict) -> list[dict]:
    """The criteria of every step as flat rows (for CSV)."""
    return [{**c, "number": step["number"], "flags": "、".join(c["flag_labels"])}
            for step in stats["steps"] for c in step["criteria"]]
