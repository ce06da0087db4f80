"""Shared by the scenario pages and API: the loaded cases, choice lists, rule links."""
from __future__ import annotations

from flask import abort, current_app
from flask_login import current_user

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..scoring.practice import PracticeError
from ..store.models import User
from ..store.scenario_models import ScenarioAttempt
from ..trust import reviews
from .extensions import content, db

DEFAULT_TEAMS = ["售后组", "技术支持组", "物流组", "安全风控组", "公关组", "社群运营组(主管)"]
DEFAULT_CATEGORIES = ["产品咨询", "使用故障", "售后退款", "物流配送", "账号安全", "投诉建议", "其他"]


def project():
    """The app's content project (shared by every area)."""
    return content()


def scorer():
    """The scenario scorer for the app's current content (built once per loaded project)."""
    from ..scoring import Scorer
    loaded = content()
    cached = current_app.extensions.get("casebook.scorer")
    if cached is None or cached[0] is not loaded:
        try:
            built = Scorer(loaded)
        except ValueError as e:  # a damaged cases/scoring/critical-model.json (lint reports it): score without it
            current_app.logger.error("scenario scorer: %s; scoring without the learned critical model", e)
            built = Scorer(loaded, critical_model=None)
        cached = (loaded, built)
        current_app.extensions["casebook.scorer"] = cached
    return cached[1]


def scenario_cases():
    return [loc.obj for _, loc in sorted(project().cases.items()) if loc.obj.scenario is not None]


def case_or_404(case_id: str):
    located = project().cases.get((case_id or "").upper())
    if located is None or located.obj.scenario is None:
        abort(404, description="没有这个练习场景")
    return located.obj


def visible_attempt(session, attempt_id: int) -> ScenarioAttempt:
    """An attempt the signed-in user may see: their own, or any for a trainer (pages and API
    alike); 404 when there is none, 403 when it is someone else's."""
    attempt = session.get(ScenarioAttempt, attempt_id)
    if attempt is None:
        raise PracticeError("没有这次练习", 404)
    if attempt.user_id != current_user.id and not current_user.can("trainer"):
        raise PracticeError("没有权限", 403)
    return attempt


def progress_by_case(user_id: int) -> dict[str, dict]:
    """A user's scenario attempts per case: how many, whether one is open, the best score."""
    mine: dict[str, dict] = {}
    with db().session() as session:
        for a in session.scalars(select(ScenarioAttempt).where(ScenarioAttempt.user_id == user_id)):
            entry = mine.setdefault(a.case_id, {"best": None, "active": False, "count": 0})
            entry["count"] += 1
            entry["active"] |= a.status == "active"
            if a.score is not None and (entry["best"] is None or a.score > entry["best"]):
                entry["best"] = a.score
    return mine


def attempt_history(user_id: int | None, limit: int = 500, review_only: bool = False) -> list[dict]:
    """The newest scenario attempts (one user's, or everyone's for None) with who made them, how many
    criteria a trainer graded, the possible critical failure the scorer asks a trainer to review while
    none has answered (`review_only`: only those) and the answer once given."""
    with db().session() as session:
        query = (select(ScenarioAttempt, User).join(User, User.id == ScenarioAttempt.user_id)
                 .options(selectinload(ScenarioAttempt.grades), selectinload(ScenarioAttempt.critical_review))
                 .order_by(ScenarioAttempt.id.desc()))
        if user_id is not None:
            query = query.where(ScenarioAttempt.user_id == user_id)
        rows = [{"attempt": a, "user": u, "graded": len(a.grades), "review": reviews.pending(a)}
                for a, u in session.execute(query.limit(limit))]
    return [r for r in rows if r["review"]] if review_only else rows


def choices() -> tuple[list[str], list[str]]:
    """Escalation teams and categories: those the cases use, then the usual ones."""
    teams, categories = [], []
    for case in scenario_cases():
        for step in case.scenario.steps:
            for action in step.expect.actions + step.expect.forbid:
                base, _, arg = action.partition(":")
                if arg and base == "escalate" and arg not in teams:
                    teams.append(arg)
                if arg and base == "classify" and arg not in categories:
                    categories.append(arg)
    teams += [t for t in DEFAULT_TEAMS if t not in teams]
    categories += [c for c in DEFAULT_CATEGORIES if c not in categories]
    return teams, categories


def rule_link(rule_id: str | None) -> str | None:
    return f"/docs/{project().rule_url(rule_id)}" if rule_id else None


ALREADY_ANSWERED = "这一步已经回答过了（可能是重复提交），请刷新后继续"
