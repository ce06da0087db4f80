"""Pages for disputes and quick, blind calibration (issue 15). Thin: every write calls a function of
casebook.trust, as the API does. Plain POST forms with a CSRF token; messages in Chinese."""
from __future__ import annotations

import re

from apiflask import APIBlueprint
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..insight import dashboard
from ..scoring.rubric import KINDS
from ..store.scenario_models import ScenarioAttempt
from ..trust import calibration, disputes, validation_export
from ..trust.errors import TrustError
from . import charts
from .access import login_required, role_required
from .extensions import db
from .labels import type_label
from .scenarios import humanize
from .scenarios_common import project
from .trust_common import stats

bp = APIBlueprint("trust", __name__, enable_openapi=False)

STATUS_ZH = {"pass": "通过", "fail": "未通过", "na": "不适用"}


def _int(value, what: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise TrustError(f"{what}无效") from None


def _back(default: str) -> str:
    target = request.form.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else default


@bp.post("/scenarios/attempts/<int:attempt_id>/disputes")
@login_required
def open_scenario_dispute(attempt_id):
    report = url_for("scenarios.report", attempt_id=attempt_id)
    try:
        with db().session() as session:
            attempt = session.get(ScenarioAttempt, attempt_id)
            if attempt is None:
                abort(404)
            disputes.open_scenario(session, attempt, current_user.id, _int(request.form.get("criterion"), "评分项"),
                                   request.form.get("comment", ""))
    except TrustError as exc:
        flash(f"申诉未提交：{exc}", "error")
        return redirect(report + "#criteria")
    flash("申诉已提交，培训师处理后会在这里和“我的申诉”中显示结果。", "info")
    return redirect(report + "#criteria")


@bp.post("/training/attempts/<int:attempt_id>/disputes")
@login_required
def open_quiz_dispute(attempt_id):
    result = url_for("training.attempt", attempt_id=attempt_id)
    question = request.form.get("question_id", "")
    try:
        with db().session() as session:
            disputes.open_quiz(session, project(), attempt_id, current_user.id, question,
                               _int(request.form.get("point"), "要点"), request.form.get("comment", ""))
    except TrustError as exc:
        flash(f"申诉未提交：{exc}", "error")
        return redirect(f"{result}#q-{question}")
    flash("申诉已提交，培训师处理后会在这里和“我的申诉”中显示结果。", "info")
    return redirect(f"{result}#q-{question}")


@bp.get("/disputes")
@login_required
def index():
    """Trainers: the queue (open / resolved / all). Agents: their own disputes."""
    trainer = current_user.can("trainer") and request.args.get("mine") != "1"
    state = request.args.get("state", "open" if trainer else "all")
    if state not in ("open", "resolved", "all"):
        state = "open"
    with db().session() as session:
        rows = disputes.listing(session, state, None if trainer else current_user.id)
    for r in rows:
        r["label_zh"] = re.sub(r"^执行\s*", "", humanize(r["label"]))
        r["kind_zh"] = KINDS.get(r["kind"], "其他") if r["source"] == "scenario" else type_label(r["kind"]) + "要点"
    return render_template("trust/disputes.html", rows=rows, trainer=trainer, state=state, status_zh=STATUS_ZH)


@bp.post("/disputes/<int:dispute_id>/resolve")
@role_required("trainer")
def resolve(dispute_id):
    decision = request.form.get("decision")
    back = _back(url_for("trust.index"))
    if decision not in ("accept", "reject"):
        flash("请选择采纳或驳回", "error")
        return redirect(back)
    try:
        with db().session() as session:
            d = disputes.resolve(session, dispute_id, current_user.id, decision == "accept", request.form.get("reason"))
            before, after = d.score_before, d.score_after
    except TrustError as exc:
        flash(f"未处理：{exc}", "error")
        return redirect(back)
    if decision == "accept":
        flash(f"已采纳申诉 #{dispute_id}，成绩由 {_fmt(before)} 改为 {_fmt(after)}。", "info")
    else:
        flash(f"已驳回申诉 #{dispute_id}。", "info")
    return redirect(back)


def _fmt(value) -> str:
    return "—" if value is None else f"{value:g}"


@bp.post("/disputes/<int:dispute_id>/validation")
@role_required("trainer")
def to_validation(dispute_id):
    back = _back(url_for("trust.index", state="resolved"))
    try:
        with db().session() as session:
            added = validation_export.add(session, current_app.config["CASEBOOK_ROOT"], dispute_id)
    except TrustError as exc:
        flash(f"未加入验证集：{exc}", "error")
        return redirect(back)
    except OSError as exc:
        flash(f"未加入验证集：无法写入文件（{exc.strerror}）", "error")
        return redirect(back)
    flash(f"已加入评分验证集：{added['id']} → {added['path']}（运行 casebook lint 检查）", "info")
    return redirect(back)


@bp.post("/scenarios/attempts/<int:attempt_id>/calibrate")
@role_required("trainer")
def calibrate(attempt_id):
    """Agree with all (with overrides and comments), or blind grades."""
    mode = request.form.get("mode", "")
    back = url_for("scenarios.report", attempt_id=attempt_id) + "#calibration"
    try:
        with db().session() as session:
            attempt = session.get(ScenarioAttempt, attempt_id)
            if attempt is None:
                abort(404)
            overrides = {}
            if mode == "blind":
                for key, value in request.form.items():
                    if key.startswith("b") and key[1:].isdigit() and value:
                        overrides[int(key[1:])] = (value, request.form.get(f"m{key[1:]}", ""))
                n = calibration.grade(session, attempt, current_user.id, overrides=overrides, blind=True)
            elif mode == "agree":
                for key, value in request.form.items():
                    if key.startswith("o") and key[1:].isdigit() and value:
                        overrides[int(key[1:])] = (value, request.form.get(f"m{key[1:]}", ""))
                n = calibration.grade(session, attempt, current_user.id, agree_all=True, overrides=overrides)
            else:
                raise TrustError("请选择评分方式")
    except TrustError as exc:
        flash(f"人工评分未保存：{exc}", "error")
        return redirect(back)
    changed = sum(1 for status, _ in overrides.values())
    flash(f"已保存 {n} 项人工评分" + (f"（其中 {changed} 项由你单独给出）" if changed else "（全部同意自动评分）") + "。", "info")
    return redirect(back)


@bp.get("/scenarios/calibration")
@role_required("trainer")
def calibration_page():
    with db().session() as session:
        data = stats(session)
        queue = calibration.queue(session, current_user.id)
    trend = dashboard.chart_table(db(), project(), current_app.config["CASEBOOK_TZ"], "agreement")
    return render_template("trust/calibration.html", data=data, queue=queue, trend=trend,
                           trend_options=charts.options_for("agreement", trend))
