"""Practice attempts stored step by step (no Flask): start, answer a step, finish and score, grade."""
from __future__ import annotations

import json

from sqlalchemy import select

from ..content.checks import next_step
from ..store.models import utcnow
from ..store.scenario_models import ScenarioAttempt, ScenarioGrade, ScenarioSetting, ScenarioTurn
from .agreement import agreement, human_total
from .rubric import STATUSES
from .scorer import Turn


class PracticeError(ValueError):
    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def time_scale(session, case) -> float:
    setting = session.get(ScenarioSetting, case.id)
    return setting.time_scale if setting else case.scenario.time_scale


def set_time_scale(session, case_id: str, value: float) -> None:
    if not 0 < value <= 100:
        raise PracticeError("时间倍率须在 0 到 100 之间")
    setting = session.get(ScenarioSetting, case_id)
    if setting is None:
        session.add(ScenarioSetting(case_id=case_id, time_scale=value))
    else:
        setting.time_scale, setting.updated_at = value, utcnow()


def active_attempt(session, user_id: int, case_id: str) -> ScenarioAttempt | None:
    return session.scalar(select(ScenarioAttempt).where(ScenarioAttempt.user_id == user_id,
                                                       ScenarioAttempt.case_id == case_id,
                                                       ScenarioAttempt.status == "active")
                          .order_by(ScenarioAttempt.id.desc()))


def start(session, user_id: int, case) -> ScenarioAttempt:
    """The user's active attempt at this scenario (a reload resumes), or a new one."""
    if case.scenario is None:
        raise PracticeError(f"{case.id} 没有练习场景", 404)
    attempt = active_attempt(session, user_id, case.id)
    if attempt is None:
        attempt = ScenarioAttempt(user_id=user_id, case_id=case.id, status="active",
                                  current_step=case.scenario.steps[0].id, step_shown_at=utcnow(),
                                  time_scale=time_scale(session, case))
        session.add(attempt)
        session.flush()
    return attempt


def normalise_actions(actions: list[str], team: str = "", category: str = "") -> list[str]:
    """Form input to vocabulary actions: escalate/classify take the chosen team/category."""
    from ..content.schema import ACTIONS
    out = []
    for action in actions:
        base = action.split(":", 1)[0].strip()
        if base not in ACTIONS:
            raise PracticeError(f"未知动作：{action}")
        if base == "escalate" and team.strip() and ":" not in action:
            action = f"escalate:{team.strip()}"
        if base == "classify" and category.strip() and ":" not in action:
            action = f"classify:{category.strip()}"
        if action not in out:
            out.append(action)
    return out


def answer(session, attempt: ScenarioAttempt, case, actions: list[str], reply: str, visibility: str = "public",
           team: str = "", category: str = "", step: str | None = None, *, scorer) -> ScenarioAttempt:
    """Record the answer to the current step; move on along the branch, or finish and score."""
    if attempt.status != "active":
        raise PracticeError("这次练习已经结束", 409)
    if step is not None and step != attempt.current_step:
        raise PracticeError("这一步已经回答过了（页面可能已过期），请刷新", 409)
    reply = (reply or "").strip()
    if len(reply) > 5000:
        raise PracticeError("回复太长（最多 5000 字）")
    actions = normalise_actions(actions, team, category)
    bases = {a.split(":", 1)[0] for a in actions}
    if visibility == "private" and "private_message" not in bases:
        actions.insert(0, "private_message")
    elif reply and visibility != "private" and "reply" not in bases:
        actions.insert(0, "reply")
    now = utcnow()
    seconds = max(0.0, (now - (attempt.step_shown_at or now)).total_seconds())
    minutes = seconds / 60 * attempt.time_scale
    by_id = {s.id: s for s in case.scenario.steps}
    current = by_id[attempt.current_step]
    session.add(ScenarioTurn(attempt_id=attempt.id, position=len(attempt.turns), step=current.id,
                             actions=json.dumps(actions, ensure_ascii=False), reply=reply,
                             visibility="private" if "private_message" in bases | {a.split(":")[0] for a in actions} else "public",
                             real_seconds=seconds, minutes=minutes))
    session.flush()
    session.refresh(attempt)
    # embed the reply now, while the agent reads the next message: the report at the end then only analyses
    scorer.prefetch(reply)
    following = next_step(current, actions)
    if following is None:
        finish(session, attempt, case, scorer)
    else:
        attempt.current_step, attempt.step_shown_at = following, now
    return attempt


def turns_of(attempt: ScenarioAttempt) -> list[Turn]:
    return [Turn(t.step, json.loads(t.actions), t.reply, t.minutes) for t in attempt.turns]


def finish(session, attempt: ScenarioAttempt, case, scorer) -> None:
    """Score the finished attempt with `scorer` (a scoring.Scorer for the app's content) and store the report."""
    report = scorer.score(case, turns_of(attempt))
    attempt.status, attempt.current_step, attempt.finished_at = "finished", None, utcnow()
    attempt.score = report.score
    attempt.report_json = json.dumps(report.as_dict(), ensure_ascii=False)


def report_of(attempt: ScenarioAttempt) -> dict | None:
    return json.loads(attempt.report_json) if attempt.report_json else None


def grade(session, attempt: ScenarioAttempt, grader_id: int, grades: dict[int, str]) -> int:
    """Store a trainer's criterion-by-criterion grades (pass/fail/na); returns how many were stored."""
    report = report_of(attempt)
    if report is None:
        raise PracticeError("练习尚未完成，不能评分", 409)
    criteria = report["criteria"]
    existing = {g.criterion: g for g in attempt.grades if g.grader_id == grader_id}  # one row per trainer
    count = 0
    for index, status in grades.items():
        if status not in STATUSES:
            raise PracticeError(f"评分只能是 pass/fail/na：{status}")
        if not 0 <= index < len(criteria):
            raise PracticeError(f"没有第 {index} 项评分标准")
        row = existing.get(index)
        if row is None:
            session.add(ScenarioGrade(attempt_id=attempt.id, grader_id=grader_id, criterion=index,
                                      kind=criteria[index]["kind"], status=status,
                                      auto_status=criteria[index]["status"]))
        else:
            row.status, row.created_at = status, utcnow()
        count += 1
    return count


def calibration(session) -> dict:
    """Agreement between automatic and trainer grades across all graded attempts."""
    graded = []
    attempts = session.scalars(select(ScenarioAttempt).where(ScenarioAttempt.status == "finished")).all()
    for attempt in attempts:
        if not attempt.grades:
            continue
        report = report_of(attempt)
        graded.append((report["criteria"], {g.criterion: g.status for g in attempt.grades}, human_total(report["criteria"], {})))
    return agreement(graded)
