"""The training JSON API under /api/ (session sign-in; writes need the X-CSRFToken header,
whose value GET /api/csrf-token returns). Everything the training pages do is here too."""
from __future__ import annotations

from apiflask import APIBlueprint, Schema, abort
from apiflask.fields import Boolean, Dict, Float, Integer, List, Nested, Raw, String
from apiflask.validators import Length, OneOf, Range
from flask_wtf.csrf import generate_csrf

from ..quiz import attempts as svc
from ..quiz import draw, review, trainer
from ..store.models import utcnow
from .extensions import db
from .inputs import MAX_ID
from .access import role_required
from .training_common import certificates_csv as certificates_csv_response
from .training_common import me, min_responses, project
from .training_common import question_stats_csv as question_stats_csv_response

bp = APIBlueprint("training_api", __name__, url_prefix="/api", tag="Training")


class CsrfOut(Schema):
    csrf_token = String()


class MeOut(Schema):
    id = Integer()
    username = String()
    role = String()


class StartIn(Schema):
    kind = String(required=True, validate=OneOf(["practice", "exam"]))
    chapter = String(load_default=None, allow_none=True, validate=Length(max=8))
    tag = String(load_default=None, allow_none=True, validate=Length(max=40))
    difficulty = Integer(load_default=None, allow_none=True, validate=Range(1, 3))
    count = Integer(load_default=10, validate=Range(1, svc.MAX_PRACTICE))
    review = Boolean(load_default=False)


class ItemOut(Schema):
    question_id = String()
    position = Integer()
    question = Dict()
    response = Raw(allow_none=True)
    saved_at = String(allow_none=True)
    red_line = Boolean()  # a must-pass question (exam.yml red_line)
    score = Float()
    correct = Boolean()
    feedback = List(String())
    detail = Dict()
    explanation = String()
    rules = List(Dict())
    your_answer = String()
    right_answer = String()


class AttemptSummary(Schema):
    id = Integer()
    user_id = Integer()
    username = String()
    display_name = String()
    kind = String()
    created_at = String()
    deadline = String(allow_none=True)
    submitted_at = String(allow_none=True)
    score = Float(allow_none=True)
    passed = Boolean(allow_none=True)
    answered = Integer()
    total = Integer()


class AttemptOut(AttemptSummary):
    spec = Dict()
    seconds_left = Integer(allow_none=True)
    auto_submitted = Boolean()
    submitted = Boolean()
    pass_mark = Float(allow_none=True)
    certificate_id = Integer(allow_none=True)
    red_line = List(String())          # must-pass questions in this exam
    red_line_failed = List(String())   # must-pass questions answered wrong: the exam is failed
    items = List(Nested(ItemOut))


class AttemptsQuery(Schema):
    user_id = Integer(load_default=None, validate=Range(min=1, max=MAX_ID))


ANSWER_SHAPES = """The response names options, items and pairs by the opaque ids of this attempt's
`question` view (`options[].id`, `items[].id`, `lefts[].id`, `rights[].id`; random per attempt, never
bank positions): single `{"choice": "<id>"}`, multiple `{"choices": ["<id>", ...]}`, true_false
`{"answer": true|false}`, ordering `{"order": ["<item id>", ...]}` (every item, first step first),
matching `{"matches": {"<left id>": "<right id>", ...}}`, short_answer `{"text": "..."}`."""


class AnswerIn(Schema):
    response = Dict(required=True, metadata={"description": ANSWER_SHAPES})


class SavedOut(Schema):
    attempt_id = Integer()
    question_id = String()
    saved_at = String()


class DueOut(Schema):
    question_id = String()
    due = String()
    reviews = Integer()
    lapses = Integer()


class ItemStatOut(Schema):
    question_id = String()
    type = String(allow_none=True)
    chapter = String(allow_none=True)
    attempts = Integer()
    facility = Float(allow_none=True)
    discrimination = Float(allow_none=True)
    enough_responses = Boolean()           # at least STATS_MIN_RESPONSES responses: flags apply
    negative_discrimination = Boolean()


class QuizStatOut(Schema):
    quiz = String()
    attempts = Integer()
    cronbach_alpha = Float(allow_none=True)


class StatsOut(Schema):
    items = List(Nested(ItemStatOut))
    quizzes = List(Nested(QuizStatOut))


class ProgressOut(Schema):
    user_id = Integer()
    username = String()
    display_name = String()
    attempts = Integer()
    submitted = Integer()
    certified = Boolean()
    certified_at = String(allow_none=True)
    chapters = Dict()


class CertificateOut(Schema):
    id = Integer()
    user_id = Integer()
    username = String()
    display_name = String()
    attempt_id = Integer()
    score = Float()
    issued_at = String()


class ExamConfigOut(Schema):
    blueprint = Dict(keys=String(), values=Integer())
    time_limit_min = Float()
    pass_mark = Float()
    questions = Integer()


@bp.get("/csrf-token")
@bp.output(CsrfOut)
@bp.doc(summary="CSRF token to send as X-CSRFToken with every write")
def csrf_token():
    return {"csrf_token": generate_csrf()}


@bp.get("/me")
@bp.output(MeOut)
@bp.doc(summary="The signed-in account", responses=[401])
def whoami():
    from flask_login import current_user
    me()
    return {"id": current_user.id, "username": current_user.username, "role": current_user.role}


@bp.get("/exam/config")
@bp.output(ExamConfigOut)
@bp.doc(summary="The certification exam blueprint", responses=[401])
def exam_config():
    me()
    config = draw.load_exam_config(project())
    return {"blueprint": config.blueprint, "time_limit_min": config.time_limit_min, "pass_mark": config.pass_mark,
            "questions": sum(config.blueprint.values())}


@bp.post("/attempts")
@bp.input(StartIn, arg_name="body")
@bp.output(AttemptOut, status_code=201)
@bp.doc(summary="Start a practice quiz or the exam", responses=[400, 401, 409])
def start(body):
    uid, role = me()
    if body["kind"] == "exam":
        attempt_id = svc.start_exam(db(), project(), uid)
    else:
        attempt_id = svc.start_practice(db(), project(), uid, chapter=body["chapter"], tag=body["tag"],
                                        difficulty=body["difficulty"], count=body["count"], review_due=body["review"])
    return svc.view(db(), project(), attempt_id, uid, role), 201


@bp.get("/attempts")
@bp.input(AttemptsQuery, location="query", arg_name="query")
@bp.output(AttemptSummary(many=True))
@bp.doc(summary="Attempts: an agent's own; trainers may filter by user_id or see all", responses=[401, 403])
def list_attempts(query):
    uid, role = me()
    wanted = query["user_id"]
    if role == "agent":
        if wanted not in (None, uid):
            abort(403, message="只能查看自己的测验")
        wanted = uid
    return svc.list_attempts(db(), wanted)


@bp.get("/attempts/<int:attempt_id>")
@bp.output(AttemptOut)
@bp.doc(summary="An attempt: questions, saved answers; after submit, grades and feedback", responses=[401, 403, 404])
def get_attempt(attempt_id):
    uid, role = me()
    return svc.view(db(), project(), attempt_id, uid, role)


@bp.put("/attempts/<int:attempt_id>/answers/<string(maxlength=16):question_id>")
@bp.input(AnswerIn, arg_name="body")
@bp.output(SavedOut)
@bp.doc(summary="Save one answer (saved at once; the exam rejects answers after its deadline)",
        description=ANSWER_SHAPES, responses=[400, 401, 403, 404, 409])
def save(attempt_id, question_id, body):
    uid, _role = me()
    return svc.save_answer(db(), project(), attempt_id, uid, question_id, body["response"])


@bp.post("/attempts/<int:attempt_id>/submit")
@bp.output(AttemptOut)
@bp.doc(summary="Submit: score, per-question feedback, certificate when an exam is passed",
        responses=[401, 403, 404, 409])
def submit(attempt_id):
    uid, role = me()
    svc.submit(db(), project(), attempt_id, uid)
    return svc.view(db(), project(), attempt_id, uid, role)


@bp.get("/review/due")
@bp.output(DueOut(many=True))
@bp.doc(summary="The signed-in agent's questions due for spaced review", responses=[401])
def review_due():
    uid, _role = me()
    with db().session() as session:
        cards = review.due(session, uid, utcnow())
    return [{"question_id": c.question_id, "due": c.due.isoformat() + "Z", "reviews": c.reviews, "lapses": c.lapses}
            for c in cards]


@bp.get("/stats/questions")
@bp.output(StatsOut)
@bp.doc(summary="Item statistics (trainers): facility, discrimination, Cronbach's alpha", responses=[401, 403])
@role_required("trainer", "没有权限")
def question_stats():
    return trainer.question_statistics(db(), project(), min_responses())


@bp.get("/stats/questions.csv")
@bp.doc(summary="Item statistics as CSV (trainers)", responses=[401, 403])
@role_required("trainer", "没有权限")
def question_stats_csv():
    return question_stats_csv_response()


@bp.get("/stats/agents")
@bp.output(ProgressOut(many=True))
@bp.doc(summary="Per-agent progress by chapter and certification status (trainers)", responses=[401, 403])
@role_required("trainer", "没有权限")
def agent_stats():
    return trainer.agent_progress(db(), project())


@bp.get("/certificates")
@bp.output(CertificateOut(many=True))
@bp.doc(summary="Certificates (trainers see all, agents their own)", responses=[401])
def certificates():
    uid, role = me()
    rows = trainer.certificates(db())
    return rows if role != "agent" else [r for r in rows if r["user_id"] == uid]


@bp.get("/certificates.csv")
@bp.doc(summary="Certificates as CSV (trainers)", responses=[401, 403])
@role_required("trainer", "没有权限")
def certificates_csv():
    return certificates_csv_response()
