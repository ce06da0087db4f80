"""One agent's training record: quizzes (practice and exam, every answer), certificates, scenario
attempts (every step and criterion) and, when the disputes table exists, their disputes. Read from
the store into plain dicts; `csv_rows` flattens it for a spreadsheet and `xapi.statements` turns it
into xAPI statements for a learning record store. No Flask.

Times are ISO 8601 UTC strings ending in Z (as the API writes them)."""
from __future__ import annotations

import json

from sqlalchemy import select

from ..content.schema import action_label, humanize_actions
from ..content.question_types import QUESTION_TYPE_LABELS
from ..quiz import attempts as quiz_attempts
from ..scoring.rubric import kind_label
from ..scoring.validation import PASS_MARK
from ..store.models import User
from ..store.scenario_models import ScenarioAttempt
from ..store.training_models import Attempt, Certificate
from ..trust import disputes
from ..trust.reports import effective

#: A scenario attempt counts as passed from this score on (the validation set's pass mark).
SCENARIO_PASS_MARK = PASS_MARK
KIND_LABELS = {"practice": "练习", "exam": "认证考试", "scenario": "情景演练"}
STATUS_LABELS = {"pass": "通过", "fail": "未通过", "na": "不适用"}


class RecordError(LookupError):
    """No such agent."""


def _iso(value) -> str | None:
    return value.isoformat(timespec="seconds") + "Z" if value else None


def _quiz_attempts(db, project, user_id: int, role: str) -> list[dict]:
    out = []
    with db.session() as session:
        ids = list(session.scalars(select(Attempt.id).where(Attempt.user_id == user_id).order_by(Attempt.id)))
    for attempt_id in ids:
        view = quiz_attempts.view(db, project, attempt_id, user_id, role)
        items = []
        for item in view["items"]:
            located = project.questions.get(item["question_id"])
            question = located.obj if located else None
            qtype = question.type if question else (item["question"] or {}).get("type", "")
            items.append({
                "id": item["question_id"], "type": qtype, "type_label": QUESTION_TYPE_LABELS.get(qtype, qtype),
                "name": question.prompt if question else item["question_id"], "at": item["saved_at"],
                "answered": item["response"] is not None,
                "response": item.get("your_answer") if view["submitted"] else None,
                "score": item.get("score") if view["submitted"] else None,
                "success": item.get("correct") if view["submitted"] else None,
            })
        out.append({
            "kind": view["kind"], "id": view["id"], "activity": "exam" if view["kind"] == "exam" else "practice",
            "name": KIND_LABELS[view["kind"]], "started_at": view["created_at"], "finished_at": view["submitted_at"],
            "score": round(100 * view["score"], 1) if view["score"] is not None else None,
            "pass_mark": round(100 * view["pass_mark"], 1) if view["pass_mark"] is not None else None,
            "passed": view["passed"] if view["kind"] == "exam" else None, "items": items, "criteria": [],
        })
    return out


def _scenario_attempts(session, project, user_id: int) -> list[dict]:
    out = []
    for attempt in session.scalars(select(ScenarioAttempt).where(ScenarioAttempt.user_id == user_id)
                                   .order_by(ScenarioAttempt.id)):
        located = project.cases.get(attempt.case_id)
        case = located.obj if located else None
        steps = {s.id: s for s in case.scenario.steps} if case and case.scenario else {}
        order = {sid: i for i, sid in enumerate(steps, start=1)}
        try:
            report = json.loads(attempt.report_json) if attempt.report_json else None
        except ValueError:
            report = None
        overrides = disputes.accepted_overrides(session, attempt.id) if report else {}
        if overrides:       # accepted disputes: the criteria as the trainer corrected them
            report = {**report, "criteria": effective(report, overrides)["criteria"]}
        criteria = (report or {}).get("criteria") or []
        items = []
        for turn in attempt.turns:
            try:
                actions = json.loads(turn.actions)
            except ValueError:
                actions = []
            shown = [action_label(a) for a in actions if a.split(":", 1)[0] not in ("reply", "private_message")]
            mine = [c for c in criteria if c.get("step") == turn.step and c.get("status") in ("pass", "fail")]
            passed = sum(c["status"] == "pass" for c in mine)
            items.append({
                "id": turn.step, "type": "scenario_step", "type_label": "情景步骤",
                "name": f"第 {order.get(turn.step, turn.position + 1)} 步", "at": _iso(turn.created_at),
                "answered": True, "response": turn.reply + (f"［动作：{'、'.join(shown)}］" if shown else ""),
                "score": round(passed / len(mine), 4) if mine and report else None,
                "success": (passed == len(mine)) if mine and report else None,
                "seconds": round(turn.real_seconds, 1),
            })
        score = attempt.score if attempt.status == "finished" else None
        out.append({
            "kind": "scenario", "id": attempt.id, "activity": f"scenario:{attempt.case_id}", "case_id": attempt.case_id,
            "name": f"{attempt.case_id} {case.title}" if case else attempt.case_id,
            "started_at": _iso(attempt.started_at), "finished_at": _iso(attempt.finished_at),
            "score": score, "pass_mark": SCENARIO_PASS_MARK,
            "passed": (score >= SCENARIO_PASS_MARK) if score is not None else None, "items": items,
            "criteria": [{"step": c.get("step"), "kind": c.get("kind"), "kind_label": kind_label(c.get("kind") or ""),
                          "label": humanize_actions(c.get("label")), "status": c.get("status"),
                          "status_label": STATUS_LABELS.get(c.get("status"), c.get("status"))} for c in criteria],
        })
    return out


def record(db, project, user_id: int) -> dict:
    """The agent's whole training record; RecordError when there is no such account."""
    with db.session() as session:
        user = session.get(User, user_id)
        if user is None:
            raise RecordError(user_id)
        person = {"id": user.id, "username": user.username, "display_name": user.display_name or user.username,
                  "role": user.role}
        certificates = [{"id": c.id, "attempt_id": c.attempt_id, "score": round(100 * c.score, 1),
                         "issued_at": _iso(c.issued_at)}
                        for c in session.scalars(select(Certificate).where(Certificate.user_id == user_id)
                                                 .order_by(Certificate.id))]
        scenarios = _scenario_attempts(session, project, user_id)
        contested = [_dispute(d) for d in reversed(disputes.listing(session, "all", user_id=user_id))]
    attempts = _quiz_attempts(db, project, user_id, person["role"]) + scenarios
    attempts.sort(key=lambda a: (a["started_at"] or "", a["kind"], a["id"]))
    return {"user": person, "attempts": attempts, "certificates": certificates, "disputes": contested}


def _dispute(d: dict) -> dict:
    """A dispute as the record lists it (listing() gives datetimes and the trust module's names)."""
    scenario = d["source"] == "scenario"
    return {"id": d["id"], "attempt_id": d["scenario_attempt_id"] if scenario else d["quiz_attempt_id"],
            "activity": d["case"] if scenario else d["question_id"], "item": humanize_actions(d["label"]),
            "item_type": kind_label(d["kind"]) if scenario else "简答题要点", "created_at": _iso(d["created_at"]),
            "resolved_at": _iso(d["resolved_at"]), "comment": d["comment"], "status": d["state"],
            "status_label": d["state_zh"], "resolution": d["resolution"] or "", "score_before": d["score_before"],
            "score_after": d["score_after"]}


CSV_COLUMNS = ["username", "display_name", "record", "attempt_id", "activity", "item", "item_type", "started_at",
               "finished_at", "response", "score", "passed", "status"]


def csv_rows(rec: dict) -> list[dict]:
    """One row per attempt, per answered question or scenario step, per scenario criterion,
    per certificate and per dispute."""
    who = {"username": rec["user"]["username"], "display_name": rec["user"]["display_name"]}
    rows = []
    for a in rec["attempts"]:
        label = KIND_LABELS[a["kind"]]
        rows.append({**who, "record": label, "attempt_id": a["id"], "activity": a["name"], "item": "",
                     "item_type": "", "started_at": a["started_at"], "finished_at": a["finished_at"] or "",
                     "score": a["score"] if a["score"] is not None else "",
                     "passed": "" if a["passed"] is None else ("是" if a["passed"] else "否"),
                     "status": "已完成" if a["finished_at"] else "进行中", "response": ""})
        for item in a["items"]:
            if not item["answered"]:
                continue
            rows.append({**who, "record": f"{label}·作答", "attempt_id": a["id"], "activity": a["name"],
                         "item": item["id"], "item_type": item["type_label"], "started_at": item["at"] or "",
                         "finished_at": "", "response": item["response"] or "",
                         "score": round(100 * item["score"], 1) if item["score"] is not None else "",
                         "passed": "" if item["success"] is None else ("是" if item["success"] else "否"), "status": ""})
        for c in a["criteria"]:
            rows.append({**who, "record": f"{label}·评分项", "attempt_id": a["id"], "activity": a["name"],
                         "item": f"{c['step']} · {c['label']}", "item_type": c["kind_label"], "started_at": "",
                         "finished_at": "", "response": "", "score": "", "passed": "", "status": c["status_label"]})
    for c in rec["certificates"]:
        rows.append({**who, "record": "证书", "attempt_id": c["attempt_id"], "activity": "认证考试", "item": f"证书 #{c['id']}",
                     "item_type": "", "started_at": c["issued_at"], "finished_at": "", "response": "",
                     "score": c["score"], "passed": "是", "status": "已颁发"})
    for d in rec["disputes"]:
        outcome = d["status_label"] + (f"：{d['resolution']}" if d["resolution"] else "")
        rows.append({**who, "record": "申诉", "attempt_id": d["attempt_id"] or "", "activity": d["activity"] or "",
                     "item": d["item"], "item_type": d["item_type"], "started_at": d["created_at"],
                     "finished_at": d["resolved_at"] or "", "response": d["comment"],
                     "score": d["score_after"] if d["score_after"] is not None else "", "passed": "", "status": outcome})
    return rows
