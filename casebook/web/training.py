"""Training pages (server-rendered, no JavaScript needed): practice, exam, review, trainer view.

An attempt is one form: without JavaScript every button saves all answers (and 交卷 then submits,
after a confirmation page when questions are unanswered); with JavaScript (static/quiz.js) each
answer is saved through the JSON API the moment it is given."""
from __future__ import annotations

from apiflask import APIBlueprint
from markupsafe import Markup
from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..content.question_types import QUESTION_TYPE_LABELS, QUESTION_TYPES
from ..quiz import attempts as svc
from ..quiz import draw, review, trainer
from ..insight import dashboard
from ..quiz.stats import to_csv
from ..store.models import utcnow
from . import charts
from .extensions import db
from .home import Section
from .access import role_required
from .training_common import certificates_csv as certificates_csv_response
from .training_common import csv_response, min_responses, project
from .training_common import question_stats_csv as question_stats_csv_response

bp = APIBlueprint("training", __name__, url_prefix="/training", enable_openapi=False)

SECTION = Section("培训与测验", "training.index", "按章节练习、到期复习、参加认证考试；培训师查看进度与题目统计。")


def due_notice(user):
    """Home-page notice: how many missed questions are due for review (fsrs schedule)."""
    with db().session() as session:
        count = len(review.due(session, user.id, utcnow()))
    return (f"您有 {count} 道题到期需要复习，点此开始。", url_for("training.index")) if count else None


TYPE_LABELS = QUESTION_TYPE_LABELS


def _flash_error(exc: svc.AttemptError):
    flash(exc.reason, "error")


@bp.get("/")
@login_required
def index():
    p = project()
    with db().session() as session:
        due = review.due(session, current_user.id, utcnow())
    mine = svc.list_attempts(db(), current_user.id, limit=20)
    certs = [c for c in trainer.certificates(db()) if c["user_id"] == current_user.id]
    tags = sorted({t for q in p.questions.values() for t in q.obj.tags})
    return render_template("training/index.html", due=due, attempts=mine, certificates=certs, chapters=p.chapters,
                           tags=tags, exam=draw.load_exam_config(p), open_exam=svc.open_exam(db(), current_user.id))


def _int(value, default=None):
    try:
        return int(value) if value not in (None, "") else default
    except ValueError:
        return default


@bp.post("/practice")
@login_required
def start_practice():
    form = request.form
    try:
        attempt_id = svc.start_practice(db(), project(), current_user.id, chapter=form.get("chapter") or None,
                                        tag=form.get("tag") or None, difficulty=_int(form.get("difficulty")),
                                        count=_int(form.get("count"), 10), review_due=form.get("review") == "1")
    except svc.AttemptError as exc:
        _flash_error(exc)
        return redirect(url_for(".index"))
    return redirect(url_for(".attempt", attempt_id=attempt_id))


@bp.post("/exam")
@login_required
def start_exam():
    try:
        attempt_id = svc.start_exam(db(), project(), current_user.id)
    except svc.AttemptError as exc:
        _flash_error(exc)
        existing = svc.open_exam(db(), current_user.id)
        return redirect(url_for(".attempt", attempt_id=existing) if existing else url_for(".index"))
    return redirect(url_for(".attempt", attempt_id=attempt_id))


@bp.get("/attempts/<int:attempt_id>")
@login_required
def attempt(attempt_id):
    data = svc.view(db(), project(), attempt_id, current_user.id, current_user.role)
    template = "training/result.html" if data["submitted"] else "training/attempt.html"
    disputes = {}
    if data["submitted"]:
        from ..trust.disputes import for_quiz_attempt
        with db().session() as session:
            disputes = for_quiz_attempt(session, attempt_id)
    return render_template(template, a=data, labels=TYPE_LABELS, mine=data["user_id"] == current_user.id,
                           disputes=disputes)


@bp.app_template_global()
def question_fields(q: dict, r: dict, f: str):
    """One question's form fields on the quiz page, from its type's own `form_fields` (autoescaped;
    each type's template is compiled once per app)."""
    compiled = current_app.extensions.setdefault("casebook.question_fields", {})
    if q["type"] not in compiled:
        compiled[q["type"]] = current_app.jinja_env.from_string(QUESTION_TYPES[q["type"]].form_fields)
    return Markup(compiled[q["type"]].render(q=q, r=r, f=f))


def response_from_form(question, presented: dict, form, prefix: str = "") -> dict | None:
    """Turn one question's form fields (named ``prefix + field``) into the response the API takes
    (the attempt's opaque ids, as `presented` shows them); None when the question was left unanswered.
    Each question type reads its own fields."""
    return QUESTION_TYPES[question.type].from_form(question, presented, lambda name: form.get(prefix + name, ""),
                                                   lambda name: form.getlist(prefix + name))


def field_prefix(question_id: str) -> str:
    """Field names of one question inside the attempt's single form."""
    return f"{question_id}."


@bp.post("/attempts/<int:attempt_id>/answers/<string(maxlength=16):question_id>")
@login_required
def save_answer(attempt_id, question_id):
    """One question's answer from its form fields (un-prefixed names), read by the question type's
    own `from_form`. The quiz page's script posts here as the answer is given (Accept:
    application/json: a JSON reply), so the script knows no question type; simple clients get a
    redirect back to the question."""
    wants_json = request.accept_mimetypes.best == "application/json"
    located = project().questions.get(question_id)
    if located is None:
        if wants_json:
            return jsonify(code="not_found", message="没有这道题"), 404
        abort(404, description="没有这道题")
    try:
        shown = svc.presented(db(), attempt_id, question_id)
        response = response_from_form(located.obj, shown, request.form)
        if response is None:
            if wants_json:
                return jsonify(code="unanswered", message="这道题还没有作答"), 400
            response = {}
        if isinstance(response.get("order"), str):
            if wants_json:
                return jsonify(code="bad_response", message=response["order"]), 400
            flash(response["order"], "error")
        else:
            saved = svc.save_answer(db(), project(), attempt_id, current_user.id, question_id, response)
            if wants_json:
                return jsonify(saved)
            flash(f"第 {question_id} 题答案已保存。", "info")
    except svc.AttemptError as exc:
        if wants_json:
            return jsonify(code=exc.code, message=exc.reason), exc.status
        if exc.status in (403, 404) and exc.code in ("forbidden", "not_found"):
            abort(exc.status, description=exc.reason)
        _flash_error(exc)
    return redirect(url_for(".attempt", attempt_id=attempt_id) + f"#q-{question_id}")


def _save_all(attempt_id: int, items: list[dict]) -> tuple[list[str], list[str]]:
    """Save every answered question of the one form; returns (saved ids, error messages)."""
    saved, errors = [], []
    for item in items:
        qid = item["question_id"]
        located = project().questions.get(qid)
        if located is None:
            continue
        response = response_from_form(located.obj, item["question"], request.form, field_prefix(qid))
        if response is None:
            continue
        if isinstance(response.get("order"), str):
            errors.append(f"{qid}：{response['order']}")
            continue
        try:
            svc.save_answer(db(), project(), attempt_id, current_user.id, qid, response)
            saved.append(qid)
        except svc.AttemptError as exc:
            if exc.code in ("forbidden", "not_found"):
                abort(exc.status, description=exc.reason)
            if exc.code in ("submitted", "deadline_passed"):
                errors.append(exc.reason)
                break
            errors.append(f"{qid}：{exc.reason}")
    return saved, errors


@bp.post("/attempts/<int:attempt_id>")
@login_required
def save_all(attempt_id):
    """The attempt's one form: save every answer; with action=submit, then submit (asking first
    when questions are still unanswered, unless confirm=1)."""
    data = svc.view(db(), project(), attempt_id, current_user.id, current_user.role)
    if data["user_id"] != current_user.id:
        abort(403, description="只能作答自己的测验")
    if data["submitted"]:
        return redirect(url_for(".attempt", attempt_id=attempt_id))
    saved, errors = _save_all(attempt_id, data["items"])
    for message in errors:
        flash(message, "error")
    if request.form.get("action") != "submit":
        if saved:
            flash(f"已保存 {len(saved)} 道题的答案。", "info")
        anchor = request.form.get("action", "")
        return redirect(url_for(".attempt", attempt_id=attempt_id) + (f"#q-{anchor[5:]}" if anchor.startswith("save:") else ""))
    if request.form.get("confirm") != "1":
        fresh = svc.view(db(), project(), attempt_id, current_user.id, current_user.role)
        if not fresh["submitted"]:
            missing = [{"number": n, "question_id": item["question_id"]}
                       for n, item in enumerate(fresh["items"], start=1) if not item["saved_at"]]
            if missing:
                return render_template("training/attempt.html", a=fresh, labels=TYPE_LABELS, mine=True,
                                       confirm_missing=missing)
    return submit(attempt_id)


@bp.post("/attempts/<int:attempt_id>/submit")
@login_required
def submit(attempt_id):
    try:
        svc.submit(db(), project(), attempt_id, current_user.id)
    except svc.AttemptError as exc:
        if exc.code in ("forbidden", "not_found"):
            abort(exc.status, description=exc.reason)
        if exc.code != "submitted":
            _flash_error(exc)
    return redirect(url_for(".attempt", attempt_id=attempt_id))


@bp.get("/trainer")
@role_required("trainer", "只有培训师可以查看")
def trainer_view():
    p = project()
    tables = dashboard.dashboard(db(), p, current_app.config["CASEBOOK_TZ"], min_responses())
    shown = {cid: {"table": table, "options": charts.options_for(cid, table), "height": charts.height(cid, table)}
             for cid, table in tables.items()}
    return render_template("training/trainer.html", charts=shown, progress=tables["mastery"]["progress"],
                           chapters=p.chapters, stats=tables["items"]["stats"], certificates=trainer.certificates(db()),
                           attempts=svc.list_attempts(db(), None, limit=100), min_responses=min_responses())


@bp.get("/trainer/charts/<string(maxlength=16):chart_id>.csv")
@role_required("trainer", "只有培训师可以查看")
def chart_csv(chart_id):
    """One dashboard chart's data as CSV (the rows of its table)."""
    table = dashboard.chart_table(db(), project(), current_app.config["CASEBOOK_TZ"], chart_id, min_responses())
    if table is None:
        abort(404, description="没有这个图表")
    records = [dict(zip(table["columns"], row)) for row in table["rows"]]
    return csv_response(to_csv(records, table["columns"]), f"{chart_id}.csv")


@bp.get("/trainer/questions.csv")
@role_required("trainer")
def questions_csv():
    return question_stats_csv_response()


@bp.get("/trainer/certificates.csv")
@role_required("trainer")
def certificates_csv():
    return certificates_csv_response()
