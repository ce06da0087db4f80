"""Attempts: start, save one answer at a time, submit, view. Plain SQLAlchemy, no Flask.

Concurrency: every write transaction begins by updating the attempt row (conditional on it still
being open), which takes the row lock on PostgreSQL and the write lock on SQLite. Saves and the
submit of one attempt therefore serialise: a save either lands before the submit (and is graded)
or is rejected after it. Answer rows are created when the attempt starts (unique per attempt and
question), so a save is an UPDATE and can never duplicate.
"""
from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from ..store.models import User, utcnow
from ..store.training_models import Attempt, AttemptItem, Certificate
from . import draw, review
from .describe import describe, describe_right
from .types import ResponseError, grade, present_keyed, question_type, to_bank

DEADLINE_GRACE = dt.timedelta(seconds=2)
MAX_PRACTICE = 50


class AttemptError(Exception):
    def __init__(self, status: int, reason: str, code: str = "error"):
        super().__init__(reason)
        self.status, self.reason, self.code = status, reason, code


def seen_questions(session, user_id: int) -> set[str]:
    rows = session.scalars(select(AttemptItem.question_id).join(Attempt)
                           .where(Attempt.user_id == user_id, AttemptItem.response.is_not(None)))
    return set(rows)


def _create(db, project, user_id: int, kind: str, ids: list[str], spec: dict, rng: random.Random,
            deadline=None, pass_mark=None, open_lock=None) -> int:
    now = utcnow()
    with db.session() as session:
        attempt = Attempt(user_id=user_id, kind=kind, spec=spec, created_at=now, updated_at=now, deadline=deadline,
                          pass_mark=pass_mark, open_lock=open_lock)
        session.add(attempt)
        for position, qid in enumerate(ids):
            view, key = present_keyed(project.questions[qid].obj, rng)
            attempt.items.append(AttemptItem(question_id=qid, position=position, presented=view, answer_key=key))
        session.flush()
        return attempt.id


def start_practice(db, project, user_id: int, *, chapter=None, tag=None, difficulty=None, count: int = 10,
                   review_due: bool = False, rng: random.Random | None = None) -> int:
    rng = rng or random.SystemRandom()
    if not 1 <= count <= MAX_PRACTICE:
        raise AttemptError(400, f"题目数量需在 1–{MAX_PRACTICE} 之间", "bad_count")
    if chapter and chapter not in project.chapter_by_code:
        raise AttemptError(400, f"没有章节 {chapter}", "bad_chapter")
    if difficulty is not None and difficulty not in (1, 2, 3):
        raise AttemptError(400, "难度需为 1、2 或 3", "bad_difficulty")
    with db.session() as session:
        if review_due:
            ids = [c.question_id for c in review.due(session, user_id, utcnow(), limit=count)
                   if c.question_id in project.questions]
            if not ids:
                raise AttemptError(409, "目前没有到期的复习题", "nothing_due")
        else:
            seen = seen_questions(session, user_id)
    if not review_due:
        try:
            ids = draw.practice(project, seen=seen, chapter=chapter, tag=tag, difficulty=difficulty, count=count, rng=rng)
        except draw.DrawError as exc:
            raise AttemptError(400, str(exc), "empty_draw") from None
    spec = {"chapter": chapter, "tag": tag, "difficulty": difficulty, "count": count, "review": review_due}
    return _create(db, project, user_id, "practice", ids, spec, rng)


def open_exam(db, user_id: int) -> int | None:
    with db.session() as session:
        return session.scalar(select(Attempt.id).where(Attempt.open_lock == f"exam:{user_id}"))


def start_exam(db, project, user_id: int, *, rng: random.Random | None = None) -> int:
    rng = rng or random.SystemRandom()
    existing = open_exam(db, user_id)
    if existing is not None:
        view(db, project, existing, user_id, "agent")  # finalises it when its time is up
        if open_exam(db, user_id) is not None:
            raise AttemptError(409, f"你已有一场进行中的考试（#{existing}），请先完成", "exam_open")
    config = draw.load_exam_config(project)
    with db.session() as session:
        seen = seen_questions(session, user_id)
    try:
        ids = draw.exam(project, config, seen=seen, rng=rng)
    except draw.DrawError as exc:
        raise AttemptError(400, str(exc), "empty_draw") from None
    deadline = utcnow() + dt.timedelta(minutes=config.time_limit_min)
    spec = {"blueprint": config.blueprint, "time_limit_min": config.time_limit_min,
            "red_line": draw.red_line_drawn(config, ids)}
    try:
        return _create(db, project, user_id, "exam", ids, spec, rng, deadline=deadline,
                       pass_mark=config.pass_mark, open_lock=f"exam:{user_id}")
    except IntegrityError:
        raise AttemptError(409, "你已有一场进行中的考试，请先完成", "exam_open") from None


def _claim(session, attempt_id: int, now) -> bool:
    """Lock the attempt for this transaction if it is still open (first statement of a write)."""
    result = session.execute(update(Attempt).where(Attempt.id == attempt_id, Attempt.submitted_at.is_(None))
                             .values(updated_at=now))
    return result.rowcount == 1


def _load(session, attempt_id: int) -> Attempt:
    attempt = session.get(Attempt, attempt_id)
    if attempt is None:
        raise AttemptError(404, "没有这次测验", "not_found")
    return attempt


def _claim_own(session, attempt_id: int, user_id: int, forbidden: str, closed: str):
    """Lock the agent's own open attempt for this write. Returns (attempt, now) with `now`
    read after the lock, so times follow the order the writes happened in."""
    claimed = _claim(session, attempt_id, utcnow())
    now = utcnow()
    attempt = _load(session, attempt_id)
    if attempt.user_id != user_id:
        raise AttemptError(403, forbidden, "forbidden")
    if not claimed:
        raise AttemptError(409, closed, "submitted")
    return attempt, now


def _expired(attempt: Attempt, now) -> bool:
    return attempt.deadline is not None and now > attempt.deadline + DEADLINE_GRACE


def decide_exam(attempt: Attempt, items: list[AttemptItem]) -> None:
    """The exam's pass decision from its items' scores: the pass mark, and every must-pass (red-line)
    question answered right. Used when the exam is submitted and when a dispute changes a score."""
    red = set((attempt.spec or {}).get("red_line") or [])
    missed = [i.question_id for i in sorted(items, key=lambda i: i.position)
              if i.question_id in red and (i.score or 0.0) < 1.0]
    attempt.spec = {**(attempt.spec or {}), "red_line_failed": missed}
    attempt.passed = attempt.score >= (attempt.pass_mark or 0.8) and not missed


def _finalise(session, project, attempt: Attempt, now, auto: bool) -> None:
    items = list(session.scalars(select(AttemptItem).where(AttemptItem.attempt_id == attempt.id)))
    total = sum(i.score or 0.0 for i in items)
    attempt.submitted_at = min(now, attempt.deadline) if (auto and attempt.deadline) else now
    attempt.auto_submitted = auto
    attempt.score = round(total / len(items), 4) if items else 0.0
    attempt.open_lock = None
    if attempt.kind == "exam":
        decide_exam(attempt, items)
        if attempt.passed:
            session.add(Certificate(user_id=attempt.user_id, attempt_id=attempt.id, score=attempt.score, issued_at=now))
    for item in items:
        if item.question_id in project.questions:
            review.record(session, attempt.user_id, item.question_id, item.score or 0.0, now)


def _item(session, attempt_id: int, question_id: str) -> AttemptItem:
    item = session.scalar(select(AttemptItem).where(AttemptItem.attempt_id == attempt_id,
                                                    AttemptItem.question_id == question_id))
    if item is None:
        if session.get(Attempt, attempt_id) is None:
            raise AttemptError(404, "没有这次测验", "not_found")
        raise AttemptError(404, f"题目 {question_id} 不在这次测验中", "not_in_attempt")
    return item


def _legacy_ids(presented: dict) -> dict:
    """Attempts started before opaque ids name their entries by bank index: show it as the id."""
    out = dict(presented)
    for name in ("options", "items", "lefts", "rights"):
        if isinstance(out.get(name), list):
            out[name] = [{("id" if k == "index" else k): (str(v) if k == "index" else v) for k, v in entry.items()}
                         for entry in out[name]]
    return out


def presented(db, attempt_id: int, question_id: str) -> dict:
    """The question as this attempt shows it (opaque ids), e.g. to read a page's form fields."""
    with db.session() as session:
        return _legacy_ids(_item(session, attempt_id, question_id).presented)


def _bank_response(question, key, response):
    """The stored client response in bank indexes, or None when it no longer fits."""
    try:
        return to_bank(question, key, response) if response is not None else None
    except ResponseError:
        return None


def _matcher(project, question):
    """The scenario scorer's key-point matcher, for the free-text types (short answers)."""
    if not question_type(question).free_text:
        return None
    from ..scoring import point_matcher
    return point_matcher(project)


def save_answer(db, project, attempt_id: int, user_id: int, question_id: str, response) -> dict:
    located = project.questions.get(question_id)
    if located is None:
        raise AttemptError(404, f"没有题目 {question_id}", "no_question")
    with db.session() as session:   # the key never changes once the attempt exists
        item = _item(session, attempt_id, question_id)
        key = item.answer_key
        attempt = session.get(Attempt, attempt_id)
    if attempt.user_id != user_id:
        raise AttemptError(403, "只能作答自己的测验", "forbidden")
    if attempt.submitted_at is not None:
        raise AttemptError(409, "这次测验已交卷，不能再修改答案", "submitted")
    try:
        result = grade(located.obj, to_bank(located.obj, key, response), _matcher(project, located.obj))
    except ResponseError as exc:
        raise AttemptError(400, f"答案格式不对：{exc}", "bad_response") from None
    expired = False
    with db.session() as session:
        attempt, now = _claim_own(session, attempt_id, user_id, "只能作答自己的测验", "这次测验已交卷，不能再修改答案")
        if _expired(attempt, now):
            _finalise(session, project, attempt, now, auto=True)
            expired = True
        else:
            changed = session.execute(
                update(AttemptItem).where(AttemptItem.attempt_id == attempt_id, AttemptItem.question_id == question_id)
                .values(response=response, grade=result.to_dict(), score=result.score, saved_at=now)).rowcount
            if changed != 1:
                raise AttemptError(404, f"题目 {question_id} 不在这次测验中", "not_in_attempt")
    if expired:
        raise AttemptError(409, "考试时间已到，答案未保存，试卷已自动交卷", "deadline_passed")
    return {"attempt_id": attempt_id, "question_id": question_id, "saved_at": now.isoformat() + "Z"}


def submit(db, project, attempt_id: int, user_id: int) -> None:
    with db.session() as session:
        attempt, now = _claim_own(session, attempt_id, user_id, "只能提交自己的测验", "这次测验已经交过卷了")
        _finalise(session, project, attempt, now, auto=_expired(attempt, now))


def _check_deadline(db, project, attempt_id: int) -> None:
    """Auto-submit an exam whose time is up (done lazily, when it is next accessed)."""
    now = utcnow()
    with db.session() as session:
        attempt = session.get(Attempt, attempt_id)
        if attempt is None or attempt.submitted_at is not None or not _expired(attempt, now):
            return
        if _claim(session, attempt_id, now):
            session.refresh(attempt)
            _finalise(session, project, attempt, now, auto=True)


def can_view(attempt_user_id: int, viewer_id: int, viewer_role: str) -> bool:
    return attempt_user_id == viewer_id or viewer_role in ("trainer", "admin")


def _rule_links(project, question) -> list[dict]:
    return [{"id": r, "url": "/docs/" + project.rule_url(r)} for r in question.rules]


def view(db, project, attempt_id: int, viewer_id: int, viewer_role: str) -> dict:
    _check_deadline(db, project, attempt_id)
    with db.session() as session:
        attempt = _load(session, attempt_id)
        if not can_view(attempt.user_id, viewer_id, viewer_role):
            raise AttemptError(403, "只能查看自己的测验", "forbidden")
        items = list(session.scalars(select(AttemptItem).where(AttemptItem.attempt_id == attempt_id)
                                     .order_by(AttemptItem.position)))
        certificate = session.scalar(select(Certificate).where(Certificate.attempt_id == attempt_id))
        owner = session.get(User, attempt.user_id)
    done = attempt.submitted_at is not None
    now = utcnow()
    out = {
        "id": attempt.id, "kind": attempt.kind, "user_id": attempt.user_id, "username": owner.username if owner else "",
        "spec": attempt.spec, "created_at": _iso(attempt.created_at), "deadline": _iso(attempt.deadline),
        "seconds_left": max(0, int((attempt.deadline - now).total_seconds())) if attempt.deadline and not done else None,
        "submitted_at": _iso(attempt.submitted_at), "auto_submitted": attempt.auto_submitted,
        "submitted": done, "score": attempt.score, "pass_mark": attempt.pass_mark, "passed": attempt.passed,
        "red_line": list((attempt.spec or {}).get("red_line") or []),
        "red_line_failed": list((attempt.spec or {}).get("red_line_failed") or []),
        "certificate_id": certificate.id if certificate else None,
        "answered": sum(i.response is not None for i in items), "total": len(items), "items": [],
    }
    for item in items:
        entry = {"question_id": item.question_id, "position": item.position, "question": _legacy_ids(item.presented),
                 "response": item.response, "saved_at": _iso(item.saved_at),
                 "red_line": item.question_id in out["red_line"]}
        located = project.questions.get(item.question_id)
        if done and located is not None:
            q = located.obj
            g = item.grade or {}
            entry.update(score=item.score or 0.0, correct=bool(g.get("correct")), feedback=g.get("feedback", []),
                         detail=g.get("detail", {}), explanation=q.explanation, rules=_rule_links(project, q),
                         your_answer=describe(q, _bank_response(q, item.answer_key, item.response)),
                         right_answer=describe_right(q))
        out["items"].append(entry)
    return out


def _iso(value) -> str | None:
    return value.isoformat() + "Z" if value else None


def list_attempts(db, user_id: int | None = None, limit: int = 200) -> list[dict]:
    with db.session() as session:
        query = (select(Attempt, User.username, User.display_name).join(User, User.id == Attempt.user_id)
                 .order_by(Attempt.id.desc()).limit(limit))
        if user_id is not None:
            query = query.where(Attempt.user_id == user_id)
        rows = session.execute(query).all()
        counts = dict(session.execute(select(AttemptItem.attempt_id, func.count()).where(AttemptItem.response.is_not(None))
                                      .group_by(AttemptItem.attempt_id)).all())
        totals = dict(session.execute(select(AttemptItem.attempt_id, func.count()).group_by(AttemptItem.attempt_id)).all())
    return [{"id": a.id, "user_id": a.user_id, "username": name, "display_name": display or name, "kind": a.kind,
             "created_at": _iso(a.created_at), "deadline": _iso(a.deadline), "submitted_at": _iso(a.submitted_at),
             "score": a.score, "passed": a.passed, "answered": counts.get(a.id, 0), "total": totals.get(a.id, 0)}
            for a, name, display in rows]
