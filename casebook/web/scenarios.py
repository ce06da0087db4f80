"""Scenario practice pages: a simulated group chat, step by step, with the scored report.

Works without JavaScript: every action is a plain POST form with a CSRF token.
"""
from __future__ import annotations

import json
import re

from apiflask import APIBlueprint
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..content.checks import sanction_target
from ..content.schema import ACTION_LABELS, action_label, humanize_actions, time_minutes
from ..store.models import utcnow
from ..scoring import practice
from ..trust import reviews
from ..trust.errors import TrustError
from ..store.models import User
from ..store.scenario_models import claim_step
from .extensions import db
from .access import role_required
from .home import Section
from .scenarios_common import ALREADY_ANSWERED, case_or_404, choices, rule_link, scenario_cases, scorer
from .scenarios_common import attempt_history, progress_by_case, visible_attempt
from .trust_common import attempt_view, blind_default
from ..scoring.rubric import KINDS

bp = APIBlueprint("scenarios", __name__, enable_openapi=False)
SECTION = Section("情景演练", "scenarios.index", "在模拟群聊中处理真实情境，按质检评分表打分，每一分都有规则依据。")

MENTION = re.compile(r"@([^\s@，。！？、,.!?:：]+)")


@bp.app_template_filter("mentions")
def mentions(text: str, me: str = "") -> Markup:
    """Escape a chat message and highlight its @mentions (the agent's own name more strongly)."""
    def mark(match):
        name = match.group(1)
        css = "mention me" if me and (me.startswith(name) or name.startswith(me)) else "mention"
        return f'<span class="{css}">@{name}</span>'
    return Markup(MENTION.sub(mark, str(escape(text))))


STATUS_ZH = {"pass": "通过", "fail": "未通过", "na": "不适用"}
STATUS_ICON = {"pass": "✓", "fail": "✗", "na": "–"}
FIGURES = re.compile(r"（[^（）]*(?:相似度|覆盖|综合|阈值)[^（）]*）")
CLOSEST = re.compile(r"最接近的句子：“(?P<said>.*?)”")
REPLY_KINDS = {"key_points", "tone", "avoid"}


def humanize(text) -> str:
    """Action IDs in a scorer's label or evidence become their Chinese labels."""
    return humanize_actions(text)


def verdict(criterion: dict, steps: dict[str, int]) -> dict:
    """One criterion in the agent's words: "你的回复「…」做到了/没有做到「…」", its rule and,
    for trainers, the scorer's figures. Reads the Report's as_dict() fields; `said`, `detail`
    are optional."""
    status = criterion.get("status", "na")
    label = re.sub(r"^执行\s*", "", humanize(criterion.get("label", "")))
    evidence = humanize(criterion.get("evidence", ""))
    kind = criterion.get("kind", "")
    said = criterion.get("said")
    if said is None and kind == "key_points":
        found = CLOSEST.search(evidence)
        said = found.group("said") if found else None
    subject = "你的回复" if kind in REPLY_KINDS else "你的处理"
    if said:
        subject = f"你的回复「{said}」"
    if status == "pass":
        sentence = f"{subject}做到了「{label}」"
    elif status == "fail":
        sentence = f"{subject}没有做到「{label}」"
    else:
        sentence = f"「{label}」这次不适用"
    plain = FIGURES.sub("", CLOSEST.sub("", evidence)).strip(" ，,；;")
    if said and plain in ("表达了该要点", ""):
        plain = ""
    if kind == "required_actions" and plain.startswith("未执行"):
        plain = ""                                  # the sentence already says it
    number = steps.get(criterion.get("step"))
    return {"status": status, "icon": STATUS_ICON.get(status, "–"), "status_zh": STATUS_ZH.get(status, status),
            "sentence": sentence, "why": plain if plain != sentence else "", "rule": criterion.get("rule"),
            "step": f"第 {number} 步" if number else str(criterion.get("step") or ""), "kind": kind,
            "evidence": evidence, "detail": criterion.get("detail")}


def report_view(report: dict, step_order: list[str]) -> dict:
    steps = {step: i for i, step in enumerate(step_order, start=1)}
    score, top = report.get("score") or 0, report.get("max") or 100
    share = score / top if top else 0
    critical = [{**c, "reason": humanize(c.get("reason")), "evidence": humanize(c.get("evidence")),
                 "step": f"第 {steps[c['step']]} 步" if c.get("step") in steps else c.get("step")}
                for c in report.get("critical") or []]
    caps = [{**c, "reason": humanize(c.get("reason")),
             "step": f"第 {steps[c['step']]} 步" if c.get("step") in steps else c.get("step")}
            for c in report.get("caps") or []]
    review = [{**r, "step": f"第 {steps[r['step']]} 步" if r.get("step") in steps else r.get("step")}
              for r in report.get("review") or []]
    comment = humanize(report.get("comment", ""))
    for step, number in steps.items():
        comment = comment.replace(f"（{step}）", f"（第 {number} 步）")
    verdicts = [{**verdict(c, steps), "index": i} for i, c in enumerate(report.get("criteria") or [])]
    groups = [(title, [v for v in verdicts if v["status"] == status])
              for title, status in (("需要改进", "fail"), ("做得好", "pass"), ("不适用", "na"))]
    return {"score": score, "max": top, "band": "good" if share >= .8 else "fair" if share >= .6 else "poor",
            "critical": critical, "caps": caps, "review": review, "comment": comment, "verdicts": verdicts,
            "groups": [(title, items) for title, items in groups if items]}


@bp.get("/scenarios")
def index():
    mine = progress_by_case(current_user.id) if current_user.is_authenticated else {}
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


# What the chat shows after the agent's own actions (reply and private_message are bubbles).
ACTION_EVENTS = {
    "delete_message": "你撤回了这条消息",
    "warn_member": "你警告了 {who}",
    "mute_member": "你将 {who} 禁言",
    "remove_member": "你将 {who} 移出了群聊",
    "escalate": "你把问题升级给了{arg}",
    "classify": "你将问题分类为「{arg}」",
    "create_ticket": "你创建了工单",
    "publish_announcement": "你发布了群公告",
    "pin_message": "你置顶了消息",
    "follow_up": "你设置了跟进提醒",
    "no_action": "你没有采取行动",
}


def _clock(minutes: float) -> str:
    """Simulated minutes since day 1 00:00 back to the transcript's clock ("HH:MM", "第2天 HH:MM")."""
    total = int(round(minutes))
    day, rest = divmod(total, 1440)
    text = f"{rest // 60:02d}:{rest % 60:02d}"
    return f"第{day + 1}天 {text}" if day else text


def _show_at(value: str) -> str:
    return _clock(time_minutes(value))


def action_events(case, step, actions: list[str]) -> list[str]:
    """System lines for what the agent did at a step, in the agent's words (Chinese, no IDs)."""
    who = sanction_target(case, step) or "该成员"
    lines = []
    for action in actions:
        base, _, arg = action.partition(":")
        template = ACTION_EVENTS.get(base)
        if template is None:
            continue
        if "{arg}" in template and not arg:
            lines.append(f"你执行了：{action_label(action)}")
        else:
            lines.append(template.format(who=who, arg=arg))
    return lines


def chat_items(case, steps: list, turns: list[dict]) -> tuple[list[dict], set[str]]:
    """The group chat as the agent has lived it: each step's messages, the agent's reply and actions
    as they happened. A member the agent removed no longer speaks in the group: their later messages
    reach the agent as private ones. Returns the items and who was removed."""
    roles = {m.name: m.role for m in case.cast}
    agent = next((m.name for m in case.cast if m.role == "agent"), "我")
    removed: set[str] = set()
    items: list[dict] = []
    for index, step in enumerate(steps):
        turn = turns[index] if index < len(turns) else None
        last = None
        for m in step.messages:
            last = time_minutes(m.at)
            items.append({"kind": "message", "sender": m.sender, "role": roles.get(m.sender, "member"),
                          "at": _show_at(m.at), "text": m.text, "new": turn is None,
                          "private": m.private or m.sender in removed, "removed": m.sender in removed})
        if turn is None:
            continue
        at = _clock((last or 0) + (turn["minutes"] or 0))
        private = turn["visibility"] == "private"
        if turn["reply"]:
            items.append({"kind": "mine", "sender": agent, "role": "agent", "at": at, "text": turn["reply"],
                          "private": private})
        for line in action_events(case, step, turn["actions"]):
            items.append({"kind": "system", "text": line, "at": at})
        if not turn["reply"] and not turn["actions"]:
            items.append({"kind": "system", "text": "你没有回复，也没有采取行动", "at": at})
        bases = {a.partition(":")[0] for a in turn["actions"]}
        if "remove_member" in bases:
            target = sanction_target(case, step)
            if target:
                removed.add(target)
    return items, removed


def _play_context(case, attempt, prefill: dict | None = None) -> dict:
    by_id = {s.id: s for s in case.scenario.steps}
    turns = [{"step": t.step, "actions": json.loads(t.actions), "reply": t.reply, "visibility": t.visibility,
              "minutes": t.minutes} for t in attempt.turns]
    step = by_id[attempt.current_step]
    items, removed = chat_items(case, [by_id[t["step"]] for t in turns] + [step], turns)
    teams, categories = choices()
    limit_seconds = step.time_limit_min * 60 / (attempt.time_scale or 1)
    shown = attempt.step_shown_at or utcnow()
    seconds_left = int(limit_seconds - (utcnow() - shown).total_seconds())
    agent = next((m.name for m in case.cast if m.role == "agent"), "")
    members = [m.name for m in case.cast if m.role != "agent" and m.name not in removed]
    return {"case": case, "attempt": attempt, "items": items, "step": step, "agent_name": agent,
            "action_labels": {k: v for k, v in ACTION_LABELS.items() if k not in ("reply", "private_message")},
            "teams": teams, "categories": categories, "number": len(turns) + 1, "members": members,
            "seconds_left": seconds_left, "limit_seconds": int(limit_seconds), "prefill": prefill or {}}


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
        attempt = visible_attempt(session, attempt_id)
        if attempt.user_id != current_user.id:
            abort(403)
        case = case_or_404(attempt.case_id)
        reply = request.form.get("reply", "")
        if not reply.strip() and request.form.get("confirm_empty") != "1" and attempt.status == "active":
            # ask first (the script asks in the browser; this is the page without JavaScript)
            prefill = {"actions": request.form.getlist("actions"), "visibility": request.form.get("visibility", "public"),
                       "team": request.form.get("team", ""), "category": request.form.get("category", ""),
                       "confirm_empty": True}
            return render_template("scenarios/play.html", **_play_context(case, attempt, prefill))
        if not claim_step(session, attempt):     # a double click: the first answer already moved on
            flash(ALREADY_ANSWERED, "error")
            return redirect(url_for("scenarios.play", case_id=case.id))
        try:
            practice.answer(session, attempt, case, request.form.getlist("actions"), reply,
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


@bp.post("/scenarios/attempts/<int:attempt_id>/critical-review")
@role_required("trainer")
def critical_review(attempt_id):
    """A trainer answers the possible critical failure the scorer sent for review."""
    verdict = request.form.get("verdict")
    back = url_for("scenarios.report", attempt_id=attempt_id)
    if verdict not in ("critical", "not_critical"):
        flash("请选择“属于严重问题”或“不属于严重问题”", "error")
        return redirect(back)
    try:
        with db().session() as session:
            attempt = visible_attempt(session, attempt_id)
            row = reviews.answer(session, attempt, current_user.id, verdict == "critical", request.form.get("comment"))
            before, after = row.score_before, attempt.score
    except TrustError as exc:
        flash(f"未保存：{exc}", "error")
        return redirect(back)
    if verdict == "critical":
        flash(f"已判定为严重问题：本次成绩由 {before:g} 分改为 {after:g} 分。", "info")
    else:
        flash("已判定不属于严重问题，成绩不变。", "info")
    return redirect(back)


@bp.get("/scenarios/attempts/<int:attempt_id>")
@login_required
def report(attempt_id):
    with db().session() as session:
        attempt = visible_attempt(session, attempt_id)
        case = case_or_404(attempt.case_id)
        data = practice.report_of(attempt)
        if data is None:
            return redirect(url_for("scenarios.play", case_id=case.id))
        trust = attempt_view(session, attempt)
        grades = {g.criterion: g.status for g in attempt.grades if g.grader_id == current_user.id}
        trainer = current_user.can("trainer")
        calib = calibration_context(session, attempt, data, trust) if trainer else None
        user = session.get(User, attempt.user_id)
        turns = [{"step": t.step, "actions": json.loads(t.actions), "reply": t.reply, "visibility": t.visibility,
                  "minutes": t.minutes, "seconds": t.real_seconds} for t in attempt.turns]
        by_id = {s.id: s for s in case.scenario.steps}
        items, _removed = chat_items(case, [by_id[t["step"]] for t in turns if t["step"] in by_id],
                                     [t for t in turns if t["step"] in by_id])
        shown = {**data, "criteria": trust["criteria"], "score": trust["score"], "caps": trust["caps"]}
        if trust["changed"]:   # the scorer's comment was written for the score before the disputes
            shown["comment"] = "自动评语（改判前）：" + data.get("comment", "")
        view = report_view(shown, [t["step"] for t in turns])
        return render_template("scenarios/report.html", case=case, attempt=attempt, report=data, view=view,
                               grades=grades, items=items, user=user, rule_link=rule_link, status_zh=STATUS_ZH,
                               agent_name=next((m.name for m in case.cast if m.role == "agent"), ""),
                               trainer=trainer, can_grade=trainer, trust=trust, calib=calib,
                               owner=attempt.user_id == current_user.id, kinds_zh=KINDS)


def calibration_context(session, attempt, report: dict, trust: dict) -> dict:
    """What the trainer's grading form needs: blind or not, this trainer's grades, the others'."""
    from ..trust import calibration as calib
    mine = calib.graded_by(attempt, current_user.id)
    blind_arg = request.args.get("blind")
    blind = blind_default() if blind_arg is None else blind_arg == "1"
    names = {u.id: (u.display_name or u.username) for u in session.scalars(select(User))}
    return {"mine": {i: {"status": g.status, "comment": g.comment or ""} for i, g in mine.items()},
            "graded": bool(mine), "blind": blind and not mine,
            "others": calib.others(attempt, current_user.id, names) if mine else {},
            "graders": len({g.grader_id for g in attempt.grades}),
            "neutral": {i: {"label": re.sub(r"^执行\s*", "", humanize(c.get("label", ""))), "said": c.get("said") or "",
                            "kind": KINDS.get(c.get("kind"), "其他评分项")}
                        for i, c in enumerate(report.get("criteria") or [])}}


@bp.post("/scenarios/attempts/<int:attempt_id>/grade")
@role_required("trainer")
def grade(attempt_id):
    with db().session() as session:
        attempt = visible_attempt(session, attempt_id)
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
    review_only = everyone and request.args.get("review") == "1"
    rows = attempt_history(None if everyone else current_user.id, review_only=review_only)
    titles = {c.id: c.title for c in scenario_cases()}
    return render_template("scenarios/history.html", rows=rows, titles=titles, everyone=everyone,
                           review_only=review_only)


@bp.post("/scenarios/<case_id>/settings")
@role_required("trainer")
def settings(case_id):
    case = case_or_404(case_id)
    try:
        value = float(request.form.get("time_scale", ""))
        with db().session() as session:
            practice.set_time_scale(session, case.id, value)
        flash(f"时间倍率已设为 {value:g}（对之后开始的练习生效）。", "info")
    except (ValueError, practice.PracticeError) as exc:
        flash(f"时间倍率无效：{exc}", "error")
    return redirect(url_for("scenarios.play", case_id=case.id))
