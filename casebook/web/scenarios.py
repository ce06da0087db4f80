"""Scenario practice pages: a simulated group chat, step by step, with the scored report.

Works without JavaScript: every action is a plain POST form with a CSRF token.
"""
from __future__ import annotations

import json

from apiflask import APIBlueprint
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..content.schema import ACTIONS
from ..scoring import practice
from ..store.models import User
from ..store.scenario_models import ScenarioAttempt, claim_step
from .extensions import db
from .home import SECTIONS
from .scenarios_common import ALREADY_ANSWERED, case_or_404, choices, project, rule_link, scenario_cases, scorer

bp = APIBlueprint("scenarios", __name__, enable_openapi=False)
SECTIONS.append(("情景演练", "scenarios.index", "在模拟群聊中处理真实情境，按质检评分表打分，每一分都有规则依据。"))

STATUS_ZH = {"pass": "通过", "fail": "未通过", "na": "不适用"}


def _attempt_or_404(session, attempt_id: int) -> ScenarioAttempt:
    attempt = session.get(ScenarioAttempt, attempt_id)
    if attempt is None:
        abort(404)
    if attempt.user_id != current_user.id and not current_user.can("trainer"):
        abort(403)
    return attempt


@bp.get("/scenarios")
def index():
    mine = {}
    if current_user.is_authenticated:
        with db().session() as session:
            for a in session.scalars(select(ScenarioAttempt).where(ScenarioAttempt.user_id == current_user.id)):
                entry = mine.setdefault(a.case_id, {"best": None, "active": False, "count": 0})
                entry["count"] += 1
                entry["active"] |= a.status == "active"
                if a.score is not None and (entry["best"] is None or a.score > entry["best"]):
                    entry["best"] = a.score
    return render_template("scenarios/index.html", cases=scenario_cases(), mine=mine)


@bp.get("/scenarios/<case_id>")
@login_required
def play(case_id):
    case = case_or_404(case_id)
    with db().session() as session:
        attempt = practice.active_attempt(session, current_user.id, case.id)
        if attempt is None:
            return render_template("scenarios/intro.html", case=case, scale=practice.time_scale(session, case))
        return render_template("scenarios/play.html", **_play_context(case, attempt))


def _play_context(case, attempt) -> dict:
    by_id = {s.id: s for s in case.scenario.steps}
    history = [{"step": by_id[t.step], "actions": json.loads(t.actions), "reply": t.reply, "visibility": t.visibility,
                "minutes": t.minutes} for t in attempt.turns]
    teams, categories = choices()
    return {"case": case, "attempt": attempt, "history": history, "step": by_id[attempt.current_step],
            "actions": ACTIONS, "teams": teams, "categories": categories,
            "number": len(history) + 1}


@bp.post("/scenarios/<case_id>/start")
@login_required
def start(case_id):
    case = case_or_404(case_id)
    with db().session() as session:
        practice.start(session, current_user.id, case)
    return redirect(url_for("scenarios.play", case_id=case.id))


@bp.post("/scenarios/attempts/<int:attempt_id>/answer")
@login_required
def answer(attempt_id):
    with db().session() as session:
        attempt = _attempt_or_404(session, attempt_id)
        if attempt.user_id != current_user.id:
            abort(403)
        case = case_or_404(attempt.case_id)
        if not claim_step(session, attempt):     # a double click: the first answer already moved on
            flash(ALREADY_ANSWERED, "error")
            return redirect(url_for("scenarios.play", case_id=case.id))
        try:
            practice.answer(session, attempt, case, request.form.getlist("actions"), request.form.get("reply", ""),
                            request.form.get("visibility", "public"), request.form.get("team", ""),
                            request.form.get("category", ""), step=request.form.get("step") or None, scorer=scorer())
        except practice.PracticeError as exc:
            flash(str(exc), "error")
            return redirect(url_for("scenarios.play", case_id=case.id))
        except IntegrityError:
            session.rollback()
            flash(ALREADY_ANSWERED, "error")
            return redirect(url_for("scenarios.play", case_id=case.id))
        finished = attempt.status == "finished"
    if finished:
        return redirect(url_for("scenarios.report", attempt_id=attempt_id))
    return redirect(url_for("scenarios.play", case_id=case.id))


@bp.get("/scenarios/attempts/<int:attempt_id>")
@login_required
def report(attempt_id):
    with db().session() as session:
        attempt = _attempt_or_404(session, attempt_id)
        case = case_or_404(attempt.case_id)
        data = practice.report_of(attempt)
        if data is None:
            return redirect(url_for("scenarios.play", case_id=case.id))
        grades = {g.criterion: g.status for g in attempt.grades}
        user = session.get(User, attempt.user_id)
        turns = [{"step": t.step, "actions": json.loads(t.actions), "reply": t.reply, "visibility": t.visibility,
                  "minutes": t.minutes, "seconds": t.real_seconds} for t in attempt.turns]
        return render_template("scenarios/report.html", case=case, attempt=attempt, report=data, grades=grades,
                               turns=turns, user=user, rule_link=rule_link, status_zh=STATUS_ZH,
                               can_grade=current_user.can("trainer"))


@bp.post("/scenarios/attempts/<int:attempt_id>/grade")
@login_required
def grade(attempt_id):
    if not current_user.can("trainer"):
        abort(403)
    with db().session() as session:
        attempt = _attempt_or_404(session, attempt_id)
        grades = {}
        for key, value in request.form.items():
            if key.startswith("c") and key[1:].isdigit() and value:
                grades[int(key[1:])] = value
        try:
            n = practice.grade(session, attempt, current_user.id, grades)
        except practice.PracticeError as exc:
            flash(str(exc), "error")
            return redirect(url_for("scenarios.report", attempt_id=attempt_id))
    flash(f"已保存 {n} 项人工评分。", "info")
    return redirect(url_for("scenarios.report", attempt_id=attempt_id))


@bp.get("/scenarios/history")
@login_required
def history():
    everyone = current_user.can("trainer") and request.args.get("mine") != "1"
    with db().session() as session:
        query = select(ScenarioAttempt, User).join(User, User.id == ScenarioAttempt.user_id).order_by(ScenarioAttempt.id.desc())
        if not everyone:
            query = query.where(ScenarioAttempt.user_id == current_user.id)
        rows = [{"attempt": a, "user": u, "graded": len(a.grades)} for a, u in session.execute(query.limit(500))]
    titles = {c.id: c.title for c in scenario_cases()}
    return render_template("scenarios/history.html", rows=rows, titles=titles, everyone=everyone)


@bp.get("/scenarios/calibration")
@login_required
def calibration():
    if not current_user.can("trainer"):
        abort(403)
    with db().session() as session:
        data = practice.calibration(session)
    return render_template("scenarios/calibration.html", data=data)


@bp.post("/scenarios/<case_id>/settings")
@login_required
def settings(case_id):
    if not current_user.can("trainer"):
        abort(403)
    case = case_or_404(case_id)
    try:
        value = float(request.form.get("time_scale", ""))
        with db().session() as session:
            practice.set_time_scale(session, case.id, value)
        flash(f"时间倍率已设为 {value:g}（对之后开始的练习生效）。", "info")
    except (ValueError, practice.PracticeError) as exc:
        flash(f"时间倍率无效：{exc}", "error")
    return redirect(url_for("scenarios.play", case_id=case.id))
