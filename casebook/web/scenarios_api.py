"""The scenario JSON API under /api/ (session sign-in; writes need the X-CSRFToken header)."""
from __future__ import annotations

import json

from apiflask import APIBlueprint, Schema, abort
from apiflask.fields import Boolean, Dict, Float, Integer, List, Nested, String
from apiflask.validators import Length, OneOf, Range
from flask_login import current_user

from sqlalchemy.exc import IntegrityError

from ..scoring import practice
from ..store.scenario_models import ScenarioAttempt, claim_step
from .extensions import db
from .scenarios_common import ALREADY_ANSWERED, case_or_404, rule_link, scenario_cases, scorer, visible_attempt
from .access import role_required
from .training_common import me

bp = APIBlueprint("scenarios_api", __name__, url_prefix="/api", tag="Scenarios")


class ScenarioOut(Schema):
    case = String()
    title = String()
    steps = Integer()
    difficulty = Integer()
    time_scale = Float()
    url = String()


class ScenarioList(Schema):
    scenarios = List(Nested(ScenarioOut))


class MessageOut(Schema):
    at = String()
    sender = String()
    text = String()


class CriterionOut(Schema):
    step = String()
    kind = String()
    label = String()
    status = String()
    weight = Float()
    evidence = String()
    rule = String(allow_none=True)
    rule_url = String(allow_none=True)


class CriticalOut(Schema):
    step = String()
    reason = String()
    evidence = String()
    rule = String(allow_none=True)
    rule_url = String(allow_none=True)


class PossibleCriticalOut(Schema):
    """A sentence that may be a critical failure the scorer did not flag: sent to a trainer for review."""
    step = String()
    reason = String()
    evidence = String()
    example = String(metadata={"description": "the closest labelled example of the failure"})
    similarity = Float()
    margin = Float(metadata={"description": "how much closer to that example than to the closest safe sentence"})
    basis = String(metadata={"description": "'meaning': near a labelled example (similarity, margin); 'topic': the "
                                            "sentence names a matter members may not be told (example says which; "
                                            "similarity and margin are 0); 'learned': the learned critical model's "
                                            "probability (similarity) is high but below its threshold (example "
                                            "lists the n-grams that weighed most; margin is 0)"})
    rule = String(allow_none=True)
    rule_url = String(allow_none=True)


class ReportOut(Schema):
    case = String()
    score = Float()
    max = Float()
    critical = List(Nested(CriticalOut))
    review = List(Nested(PossibleCriticalOut), metadata={
        "description": "possible critical failures for a trainer to review (empty when a critical one is flagged)"})
    criteria = List(Nested(CriterionOut))
    comment = String()
    path = List(String())


class TurnOut(Schema):
    step = String()
    actions = List(String())
    reply = String()
    visibility = String()
    minutes = Float()
    real_seconds = Float()


class AttemptOut(Schema):
    id = Integer()
    case = String()
    user_id = Integer()
    status = String()
    time_scale = Float()
    current_step = String(allow_none=True)
    time_limit_min = Float(allow_none=True)
    messages = List(Nested(MessageOut))
    turns = List(Nested(TurnOut))
    finished = Boolean()
    report = Nested(ReportOut, allow_none=True)


class TurnIn(Schema):
    step = String(load_default=None, allow_none=True, validate=Length(max=64), metadata={
        "description": "The step being answered (current_step as shown). Send it: a second answer to the same "
                       "step (a double click) is then refused with 409 even when it arrives after the first."})
    actions = List(String(validate=Length(max=80)), load_default=[])
    reply = String(load_default="", validate=Length(max=5000))
    visibility = String(load_default="public", validate=OneOf(["public", "private"]))
    team = String(load_default="", validate=Length(max=40))
    category = String(load_default="", validate=Length(max=40))


class TranscriptStepIn(Schema):
    step = String(required=True)
    actions = List(String(), load_default=[])
    reply = String(load_default="")
    minutes = Float(load_default=0)


class ScoreIn(Schema):
    case = String(required=True)
    steps = List(Nested(TranscriptStepIn), required=True)


class GradeItem(Schema):
    criterion = Integer(required=True, validate=Range(0, 10000))
    status = String(required=True, validate=OneOf(["pass", "fail", "na"]))


class GradesIn(Schema):
    grades = List(Nested(GradeItem), required=True)


class GradesOut(Schema):
    stored = Integer()


class KindAgreement(Schema):
    n = Integer()
    agreement = Float()
    kappa = Float(allow_none=True)


class CalibrationOut(Schema):
    attempts = Integer()
    kinds = Dict(keys=String(), values=Nested(KindAgreement))
    totals_correlation = Float(allow_none=True)
    auto_totals = List(Float())
    human_totals = List(Float())


def _linked(report: dict) -> dict:
    for item in report["criteria"] + report["critical"] + report.get("review", []):
        item["rule_url"] = rule_link(item.get("rule"))
    return report


def _attempt_out(attempt: ScenarioAttempt, case) -> dict:
    by_id = {s.id: s for s in case.scenario.steps}
    step = by_id.get(attempt.current_step) if attempt.current_step else None
    report = practice.report_of(attempt)
    return {
        "id": attempt.id, "case": attempt.case_id, "user_id": attempt.user_id, "status": attempt.status,
        "time_scale": attempt.time_scale, "current_step": attempt.current_step,
        "time_limit_min": step.time_limit_min if step else None,
        "messages": [{"at": m.at, "sender": m.sender, "text": m.text} for m in step.messages] if step else [],
        "turns": [{"step": t.step, "actions": json.loads(t.actions), "reply": t.reply, "visibility": t.visibility,
                   "minutes": t.minutes, "real_seconds": t.real_seconds} for t in attempt.turns],
        "finished": attempt.status == "finished",
        "report": _linked(report) if report else None,
    }


def _own(session, attempt_id: int) -> ScenarioAttempt:
    me()
    return visible_attempt(session, attempt_id)


@bp.get("/scenarios")
@bp.output(ScenarioList)
def list_scenarios():
    """List the playable scenarios."""
    return {"scenarios": [{"case": c.id, "title": c.title, "steps": len(c.scenario.steps), "difficulty": c.difficulty,
                           "time_scale": c.scenario.time_scale, "url": f"/scenarios/{c.id}"} for c in scenario_cases()]}


@bp.post("/scenarios/<case_id>/attempts")
@bp.output(AttemptOut, status_code=201)
@bp.doc(responses=[401, 404])
def start_attempt(case_id):
    """Start (or resume) the signed-in user's attempt at a scenario."""
    uid, _ = me()
    case = case_or_404(case_id)
    with db().session() as session:
        attempt = practice.start(session, uid, case)
        return _attempt_out(attempt, case)


@bp.get("/scenario-attempts/<int:attempt_id>")
@bp.output(AttemptOut)
@bp.doc(responses=[401, 403, 404])
def get_attempt(attempt_id):
    """An attempt: the current step's messages, the turns so far, and the report once finished."""
    with db().session() as session:
        attempt = _own(session, attempt_id)
        return _attempt_out(attempt, case_or_404(attempt.case_id))


@bp.post("/scenario-attempts/<int:attempt_id>/turns")
@bp.input(TurnIn)
@bp.output(AttemptOut)
@bp.doc(responses=[400, 401, 403, 404, 409])
def answer_step(attempt_id, json_data):
    """Answer the current step (response time is measured on the server)."""
    with db().session() as session:
        attempt = _own(session, attempt_id)
        if attempt.user_id != current_user.id:
            abort(403, message="只能回答自己的练习")
        case = case_or_404(attempt.case_id)
        if not claim_step(session, attempt):
            abort(409, message=ALREADY_ANSWERED if attempt.status == "active" else "这次练习已经结束")
        try:
            practice.answer(session, attempt, case, json_data["actions"], json_data["reply"], json_data["visibility"],
                            json_data["team"], json_data["category"], step=json_data["step"], scorer=scorer())
        except IntegrityError:   # the unique (attempt, step) row: the same step answered twice at once
            abort(409, message=ALREADY_ANSWERED)
        return _attempt_out(attempt, case)


@bp.post("/scenarios/score")
@bp.input(ScoreIn)
@bp.output(ReportOut)
@bp.doc(responses=[401, 404, 422])
def score_transcript(json_data):
    """Score a transcript (the shape of a golden transcript) without storing it."""
    me()
    case = case_or_404(json_data["case"])
    report = scorer().score(case, {"steps": json_data["steps"]})
    return _linked(report.as_dict())


@bp.post("/scenario-attempts/<int:attempt_id>/grades")
@bp.input(GradesIn)
@bp.output(GradesOut)
@bp.doc(responses=[400, 401, 403, 404, 409])
@role_required("trainer", "没有权限")
def grade_attempt(attempt_id, json_data):
    """A trainer grades a finished attempt criterion by criterion (pass/fail/na)."""
    with db().session() as session:
        attempt = _own(session, attempt_id)
        stored = practice.grade(session, attempt, current_user.id,
                                {g["criterion"]: g["status"] for g in json_data["grades"]})
        return {"stored": stored}


@bp.get("/scenarios/calibration")
@bp.output(CalibrationOut)
@bp.doc(responses=[401, 403])
@role_required("trainer", "没有权限")
def calibration():
    """Agreement of automatic and trainer grades: per criterion kind Cohen's kappa, correlation of totals."""
    with db().session() as session:
        return practice.calibration(session)
