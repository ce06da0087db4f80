"""Disputes, calibration and agreement gates as JSON under /api/ (the same service functions as the
pages; writes need the X-CSRFToken header)."""
from __future__ import annotations

from apiflask import APIBlueprint, Schema, abort
from apiflask.fields import Boolean, Dict, Float, Integer, List, Nested, String
from apiflask.validators import Length, OneOf, Range
from flask import current_app
from flask_login import current_user

from ..store.scenario_models import ScenarioAttempt
from ..trust import calibration, disputes, validation_export
from ..trust.errors import TrustError
from .extensions import db
from .scenarios_common import project
from .access import role_required
from .training_common import me
from .trust_common import attempt_view, stats

bp = APIBlueprint("trust_api", __name__, url_prefix="/api", tag="Disputes and calibration")


class DisputeOut(Schema):
    id = Integer()
    source = String(metadata={"description": "scenario or quiz"})
    user_id = Integer()
    agent = String(metadata={"description": "the agent's display name"})
    scenario_attempt_id = Integer(allow_none=True)
    quiz_attempt_id = Integer(allow_none=True)
    case = String(allow_none=True)
    question_id = String(allow_none=True)
    criterion = Integer(metadata={"description": "report criterion index, or short-answer key point index"})
    kind = String()
    label = String()
    step = String(allow_none=True)
    auto_status = String()
    comment = String()
    state = String(metadata={"description": "open, accepted or rejected"})
    state_zh = String()
    created_at = String()
    resolved_at = String(allow_none=True)
    resolver = String()
    resolution = String(allow_none=True)
    score_before = Float(allow_none=True)
    score_after = Float(allow_none=True)
    validation_id = String(allow_none=True)


class DisputeRow(DisputeOut):
    """A dispute inside a list (its own schema name: apispec registers nested schemas separately)."""


class DisputeList(Schema):
    disputes = List(Nested(DisputeRow))


class ScenarioDisputeIn(Schema):
    criterion = Integer(required=True, validate=Range(0, 10000))
    comment = String(required=True, validate=Length(min=1, max=1000))


class QuizDisputeIn(Schema):
    question_id = String(required=True, validate=Length(min=1, max=16))
    point = Integer(required=True, validate=Range(0, 1000))
    comment = String(required=True, validate=Length(min=1, max=1000))


class ResolveIn(Schema):
    decision = String(required=True, validate=OneOf(["accept", "reject"]))
    reason = String(load_default="", validate=Length(max=1000),
                    metadata={"description": "required to reject; recorded with who and when"})


class ListQuery(Schema):
    state = String(load_default=None, validate=OneOf(["open", "resolved", "all"]))
    mine = Boolean(load_default=False)


class ValidationOut(Schema):
    id = String()
    path = String()


class CalibrationGrade(Schema):
    criterion = Integer(required=True, validate=Range(0, 10000))
    status = String(required=True, validate=OneOf(["pass", "fail", "na"]))
    comment = String(load_default="", validate=Length(max=1000))


class CalibrationIn(Schema):
    agree_all = Boolean(load_default=False, metadata={"description": "全部同意自动评分: every criterion not in "
                                                                       "`grades` takes the scorer's status"})
    blind = Boolean(load_default=False, metadata={"description": "graded without seeing the scorer's verdicts"})
    grades = List(Nested(CalibrationGrade), load_default=[],
                  metadata={"description": "overrides (a status other than the scorer's needs a comment unless blind)"})


class StoredOut(Schema):
    stored = Integer()


class KindRow(Schema):
    kind = String()
    label = String()
    n = Integer()
    agreement = Float(allow_none=True)
    kappa = Float(allow_none=True)


class GateOut(Schema):
    kind = String()
    label = String()
    n = Integer()
    kappa = Float(allow_none=True)
    closed = Boolean()
    state = String(metadata={"description": "closed: 需人工复核, left out of certification decisions"})
    reason = String()


class AgreementOut(Schema):
    scorer = Dict(keys=String(), values=Nested(KindRow))
    trainers = Dict(keys=String(), values=Nested(KindRow))
    gates = List(Nested(GateOut))
    min_kappa = Float()
    min_n = Integer()
    grades = Integer()
    attempts = Integer()
    graders = Integer()


class ReviewOut(Schema):
    score = Float()
    auto_score = Float()
    decision_score = Float()
    passed = Boolean()
    needs_review = List(String())
    changed = List(Integer())
    disputes = List(Nested(DisputeRow))


def _out(d: dict) -> dict:
    return {**d, "created_at": _iso(d["created_at"]), "resolved_at": _iso(d["resolved_at"])}


def _iso(value):
    return value.isoformat() + "Z" if value else None


def _fail(exc: TrustError):
    abort(exc.status, message=str(exc))


def _attempt(session, attempt_id: int) -> ScenarioAttempt:
    uid, _ = me()
    attempt = session.get(ScenarioAttempt, attempt_id)
    if attempt is None:
        abort(404, message="没有这次练习")
    if attempt.user_id != uid and not current_user.can("trainer"):
        abort(403, message="没有权限")
    return attempt


@bp.post("/scenario-attempts/<int:attempt_id>/disputes")
@bp.input(ScenarioDisputeIn)
@bp.output(DisputeOut, status_code=201)
@bp.doc(responses=[400, 401, 403, 404, 409])
def open_scenario_dispute(attempt_id, json_data):
    """An agent contests one failed criterion of their own scenario report."""
    uid, _ = me()
    try:
        with db().session() as session:
            attempt = _attempt(session, attempt_id)
            d = disputes.open_scenario(session, attempt, uid, json_data["criterion"], json_data["comment"])
            return _out(disputes.as_dict(d, disputes.names(session)))
    except TrustError as exc:
        _fail(exc)


@bp.post("/attempts/<int:attempt_id>/disputes")
@bp.input(QuizDisputeIn)
@bp.output(DisputeOut, status_code=201)
@bp.doc(responses=[400, 401, 403, 404, 409])
def open_quiz_dispute(attempt_id, json_data):
    """An agent contests one key point their short answer was judged not to cover."""
    uid, _ = me()
    try:
        with db().session() as session:
            d = disputes.open_quiz(session, project(), attempt_id, uid, json_data["question_id"], json_data["point"],
                                   json_data["comment"])
            return _out(disputes.as_dict(d, disputes.names(session)))
    except TrustError as exc:
        _fail(exc)


@bp.get("/disputes")
@bp.input(ListQuery, location="query")
@bp.output(DisputeList)
@bp.doc(responses=[401])
def list_disputes(query_data):
    """Trainers: every dispute (default: open ones). Agents, or `mine=true`: one's own."""
    uid, _ = me()
    everyone = current_user.can("trainer") and not query_data["mine"]
    state = query_data["state"] or ("open" if everyone else "all")
    with db().session() as session:
        rows = disputes.listing(session, state, None if everyone else uid)
    return {"disputes": [_out(r) for r in rows]}


@bp.post("/disputes/<int:dispute_id>/resolve")
@role_required("trainer")
@bp.input(ResolveIn)
@bp.output(DisputeOut)
@bp.doc(responses=[400, 401, 403, 404, 409])
def resolve_dispute(dispute_id, json_data):
    """A trainer accepts (the criterion passes, the score is recomputed) or rejects with a reason."""
    uid = current_user.id
    try:
        with db().session() as session:
            d = disputes.resolve(session, dispute_id, uid, json_data["decision"] == "accept", json_data["reason"])
            return _out(disputes.as_dict(d, disputes.names(session)))
    except TrustError as exc:
        _fail(exc)


@bp.post("/disputes/<int:dispute_id>/validation")
@role_required("trainer")
@bp.output(ValidationOut, status_code=201)
@bp.doc(responses=[400, 401, 403, 404, 409])
def add_to_validation(dispute_id):
    """Add a resolved scenario dispute to the scorer's validation set (cases/validation/CASE-NNN.disputes.yml)."""
    try:
        with db().session() as session:
            return validation_export.add(session, current_app.config["CASEBOOK_ROOT"], dispute_id)
    except TrustError as exc:
        _fail(exc)
    except OSError as exc:
        abort(507 if getattr(exc, "errno", None) == 28 else 409, message=f"无法写入验证集文件：{exc.strerror}")


@bp.post("/scenario-attempts/<int:attempt_id>/calibration")
@role_required("trainer")
@bp.input(CalibrationIn)
@bp.output(StoredOut)
@bp.doc(responses=[400, 401, 403, 404, 409])
def calibrate(attempt_id, json_data):
    """A trainer grades an attempt: agree with all (with commented overrides), or blind."""
    uid = current_user.id
    overrides = {g["criterion"]: (g["status"], g["comment"]) for g in json_data["grades"]}
    try:
        with db().session() as session:
            attempt = _attempt(session, attempt_id)
            return {"stored": calibration.grade(session, attempt, uid, agree_all=json_data["agree_all"],
                                                overrides=overrides, blind=json_data["blind"])}
    except TrustError as exc:
        _fail(exc)


@bp.get("/scenarios/agreement")
@role_required("trainer")
@bp.output(AgreementOut)
@bp.doc(responses=[401, 403])
def agreement():
    """Per criterion kind: Cohen's kappa trainer vs scorer and trainer vs trainer, and each gate's state."""
    with db().session() as session:
        return stats(session)


@bp.get("/scenario-attempts/<int:attempt_id>/review")
@bp.output(ReviewOut)
@bp.doc(responses=[401, 403, 404, 409])
def review(attempt_id):
    """The attempt's score after accepted disputes, the certification decision without the kinds whose
    gate is closed (需人工复核), and its disputes."""
    with db().session() as session:
        attempt = _attempt(session, attempt_id)
        view = attempt_view(session, attempt)
        if view is None:
            abort(409, message="练习尚未完成")
        return {"score": view["score"], "auto_score": view["auto_score"], "decision_score": view["decision_score"],
                "passed": view["passed"], "needs_review": view["needs_review"], "changed": view["changed"],
                "disputes": [_out(d) for _, d in sorted(view["disputes"].items())]}
