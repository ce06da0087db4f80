"""Disputes (service functions, no Flask): an agent contests one failed criterion of a scenario
report, or one key point a short answer was judged not to cover; a trainer accepts (the score is
recomputed with the criterion passed, and who, when and why is recorded) or rejects with a reason.

One open dispute per criterion (a unique key while open); a criterion already decided cannot be
contested again. The scorer's stored report is never rewritten: accepted disputes are overrides
applied on top of it (reports.effective), and the attempt's recorded score follows them.
"""
from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..quiz.attempts import decide_exam
from ..scoring.rubric import FAIL, PASS
from ..store.models import User, utcnow
from ..store.scenario_models import ScenarioAttempt
from ..store.training_models import Attempt, AttemptItem, Certificate
from ..store.trust_models import Dispute
from .errors import TrustError
from .reports import effective, report_of

MAX_TEXT = 1000
STATE_ZH = {"open": "待处理", "accepted": "已采纳", "rejected": "未采纳"}


def _text(value: str | None, what: str, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise TrustError(f"请填写{what}")
    if len(value) > MAX_TEXT:
        raise TrustError(f"{what}太长（最多 {MAX_TEXT} 字）")
    return value


def _key(source: str, attempt_id: int, question: str, criterion: int) -> str:
    return f"{source}:{attempt_id}:{question}:{criterion}"


def _previous(session, source: str, attempt_id: int, question: str | None, criterion: int) -> Dispute | None:
    column = Dispute.scenario_attempt_id if source == "scenario" else Dispute.quiz_attempt_id
    query = select(Dispute).where(Dispute.source == source, column == attempt_id, Dispute.criterion == criterion)
    if question is not None:
        query = query.where(Dispute.question_id == question)
    return session.scalars(query.order_by(Dispute.id.desc())).first()


def _add(session, dispute: Dispute) -> Dispute:
    session.add(dispute)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise TrustError("这一项已有待处理的申诉", 409) from None
    return dispute


def _refuse_repeat(previous: Dispute | None) -> None:
    if previous is None:
        return
    if previous.state == "open":
        raise TrustError("这一项已有待处理的申诉", 409)
    raise TrustError(f"这一项已申诉过（{STATE_ZH[previous.state]}），不能重复申诉", 409)


# ------------------------------------------------------------------ scenario reports

def accepted_overrides(session, attempt_id: int) -> dict[int, str]:
    rows = session.scalars(select(Dispute).where(Dispute.source == "scenario", Dispute.scenario_attempt_id == attempt_id,
                                                 Dispute.state == "accepted"))
    return {d.criterion: PASS for d in rows}


def open_scenario(session, attempt: ScenarioAttempt, user_id: int, criterion: int, comment: str) -> Dispute:
    if attempt.user_id != user_id:
        raise TrustError("只能对自己的练习提出申诉", 403)
    report = report_of(attempt)
    if report is None or attempt.status != "finished":
        raise TrustError("练习完成后才能申诉", 409)
    criteria = report["criteria"]
    if not isinstance(criterion, int) or not 0 <= criterion < len(criteria):
        raise TrustError("没有这一项评分标准", 404)
    comment = _text(comment, "申诉理由")
    _refuse_repeat(_previous(session, "scenario", attempt.id, None, criterion))
    now = effective(report, accepted_overrides(session, attempt.id))
    if now["criteria"][criterion]["status"] != FAIL:
        raise TrustError("只能对未通过的评分项提出申诉")
    c = criteria[criterion]
    return _add(session, Dispute(user_id=user_id, source="scenario", scenario_attempt_id=attempt.id, case_id=attempt.case_id,
                                 criterion=criterion, kind=c["kind"], label=c["label"], step=c.get("step"),
                                 auto_status=c["status"], comment=comment, state="open",
                                 open_key=_key("scenario", attempt.id, "", criterion), created_at=utcnow()))


# ------------------------------------------------------------------ short answers

def _point_item(session, project, attempt_id: int, question_id: str) -> tuple[Attempt, AttemptItem, object]:
    attempt = session.get(Attempt, attempt_id)
    if attempt is None:
        raise TrustError("没有这次测验", 404)
    item = session.scalar(select(AttemptItem).where(AttemptItem.attempt_id == attempt_id,
                                                    AttemptItem.question_id == question_id))
    located = project.questions.get(question_id)
    if item is None or located is None:
        raise TrustError("这次测验没有这道题", 404)
    return attempt, item, located.obj


def open_quiz(session, project, attempt_id: int, user_id: int, question_id: str, point: int, comment: str) -> Dispute:
    """Contest a key point a question graded by key points (the short answer) judged not covered: the
    question type says so by its grade carrying `matches` (casebook/content/question_types/)."""
    attempt, item, question = _point_item(session, project, attempt_id, question_id)
    if attempt.user_id != user_id:
        raise TrustError("只能对自己的测验提出申诉", 403)
    if attempt.submitted_at is None:
        raise TrustError("交卷后才能申诉", 409)
    matches = ((item.grade or {}).get("detail") or {}).get("matches")
    if not isinstance(matches, list):
        raise TrustError("只有按要点评分的题目（简答题）可以按要点申诉")
    if not isinstance(point, int) or not 0 <= point < len(matches):
        raise TrustError("没有这个要点", 404)
    comment = _text(comment, "申诉理由")
    _refuse_repeat(_previous(session, "quiz", attempt_id, question_id, point))
    if matches[point].get("matched"):
        raise TrustError("只能对判为未覆盖的要点提出申诉")
    return _add(session, Dispute(user_id=user_id, source="quiz", quiz_attempt_id=attempt_id, question_id=question_id,
                                 criterion=point, kind=question.type, label=matches[point].get("point", ""),
                                 auto_status=FAIL, comment=comment, state="open",
                                 open_key=_key("quiz", attempt_id, question_id, point), created_at=utcnow()))


def _accept_quiz(session, dispute: Dispute, now) -> tuple[float | None, float | None]:
    attempt = session.get(Attempt, dispute.quiz_attempt_id)
    item = session.scalar(select(AttemptItem).where(AttemptItem.attempt_id == attempt.id,
                                                    AttemptItem.question_id == dispute.question_id))
    grade = dict(item.grade or {})
    detail = dict(grade.get("detail") or {})
    matches = [dict(m) for m in detail.get("matches") or []]
    point = matches[dispute.criterion]
    point.update(matched=True, dispute=dispute.id)
    detail["matches"] = matches
    hit = sum(bool(m.get("matched")) for m in matches)
    score = round(hit / len(matches), 4) if matches else 0.0
    grade.update(detail=detail, score=score, correct=hit == len(matches),
                 feedback=[f for f in grade.get("feedback") or [] if f != f"未覆盖要点：{point.get('point')}"])
    item.grade, item.score = grade, score
    session.flush()
    before = attempt.score
    items = list(session.scalars(select(AttemptItem).where(AttemptItem.attempt_id == attempt.id)))
    attempt.score = round(sum(i.score or 0.0 for i in items) / len(items), 4) if items else 0.0
    if attempt.kind == "exam":
        decide_exam(attempt, items)
        has = session.scalar(select(Certificate).where(Certificate.attempt_id == attempt.id))
        if attempt.passed and has is None:
            session.add(Certificate(user_id=attempt.user_id, attempt_id=attempt.id, score=attempt.score, issued_at=now))
        elif has is not None:
            has.score = attempt.score
    return before, attempt.score


def _accept_scenario(session, dispute: Dispute) -> tuple[float | None, float | None]:
    attempt = session.get(ScenarioAttempt, dispute.scenario_attempt_id)
    before = attempt.score
    overrides = accepted_overrides(session, attempt.id)
    overrides[dispute.criterion] = PASS
    attempt.score = effective(report_of(attempt), overrides, confirmed_critical=attempt.critical_confirmed)["score"]
    return before, attempt.score


# ------------------------------------------------------------------ the trainer's decision

def resolve(session, dispute_id: int, trainer_id: int, accept: bool, reason: str | None) -> Dispute:
    """Accept (the criterion passes; the score is recomputed) or reject (a reason is required)."""
    reason = _text(reason, "驳回理由" if not accept else "采纳理由", required=not accept)
    if accept and not reason:
        reason = "培训师同意学员的申诉"
    now = utcnow()
    claimed = session.execute(update(Dispute).where(Dispute.id == dispute_id, Dispute.state == "open")
                              .values(state="accepted" if accept else "rejected", open_key=None, resolved_at=now)
                              .execution_options(synchronize_session=False)).rowcount == 1
    dispute = session.get(Dispute, dispute_id)
    if dispute is None:
        raise TrustError("没有这条申诉", 404)
    session.refresh(dispute)
    if not claimed:
        raise TrustError(f"这条申诉已处理（{STATE_ZH.get(dispute.state, dispute.state)}）", 409)
    dispute.resolver_id, dispute.resolution = trainer_id, reason
    if accept:
        before, after = (_accept_scenario(session, dispute) if dispute.source == "scenario"
                         else _accept_quiz(session, dispute, now))
    else:
        current = (session.get(ScenarioAttempt, dispute.scenario_attempt_id) if dispute.source == "scenario"
                   else session.get(Attempt, dispute.quiz_attempt_id))
        before = after = current.score if current else None
    dispute.score_before, dispute.score_after = before, after
    session.flush()
    return dispute


# ------------------------------------------------------------------ listings

def as_dict(d: Dispute, names: dict[int, str]) -> dict:
    return {"id": d.id, "source": d.source, "user_id": d.user_id, "agent": names.get(d.user_id, ""),
            "scenario_attempt_id": d.scenario_attempt_id, "quiz_attempt_id": d.quiz_attempt_id,
            "case": d.case_id, "question_id": d.question_id, "criterion": d.criterion, "kind": d.kind,
            "label": d.label, "step": d.step, "auto_status": d.auto_status, "comment": d.comment,
            "state": d.state, "state_zh": STATE_ZH.get(d.state, d.state),
            "created_at": d.created_at, "resolved_at": d.resolved_at,
            "resolver": names.get(d.resolver_id, "") if d.resolver_id else "", "resolution": d.resolution,
            "score_before": d.score_before, "score_after": d.score_after, "validation_id": d.validation_id}


def names(session) -> dict[int, str]:
    """Display names (the username only where no display name is set)."""
    return {u.id: (u.display_name or u.username) for u in session.scalars(select(User))}


def listing(session, state: str = "open", user_id: int | None = None, limit: int = 500) -> list[dict]:
    """`state`: open, resolved (accepted or rejected) or all; `user_id`: one agent's disputes."""
    query = select(Dispute).order_by(Dispute.id.desc() if state != "open" else Dispute.id).limit(limit)
    if state == "open":
        query = query.where(Dispute.state == "open")
    elif state == "resolved":
        query = query.where(Dispute.state != "open")
    elif state != "all":
        raise TrustError("筛选条件只能是 open（待处理）、resolved（已处理）或 all（全部）")
    if user_id is not None:
        query = query.where(Dispute.user_id == user_id)
    who = names(session)
    return [as_dict(d, who) for d in session.scalars(query)]


def for_scenario_attempt(session, attempt_id: int) -> dict[int, dict]:
    """The latest dispute per criterion of one attempt."""
    who = names(session)
    out: dict[int, dict] = {}
    for d in session.scalars(select(Dispute).where(Dispute.scenario_attempt_id == attempt_id).order_by(Dispute.id)):
        out[d.criterion] = as_dict(d, who)
    return out


def for_quiz_attempt(session, attempt_id: int) -> dict[tuple[str, int], dict]:
    who = names(session)
    return {(d.question_id, d.criterion): as_dict(d, who)
            for d in session.scalars(select(Dispute).where(Dispute.quiz_attempt_id == attempt_id).order_by(Dispute.id))}


def get(session, dispute_id: int) -> Dispute:
    dispute = session.get(Dispute, dispute_id)
    if dispute is None:
        raise TrustError("没有这条申诉", 404)
    return dispute
