"""What trainers see: per-agent progress, item statistics, certificates. Plain SQLAlchemy."""
from __future__ import annotations

from collections import Counter, defaultdict

from sqlalchemy import select

from ..store.models import User
from ..store.training_models import Attempt, AttemptItem, Certificate
from .stats import MIN_RESPONSES, cronbach_alpha, item_statistics


def _submitted_items(session):
    return session.execute(
        select(Attempt.id, Attempt.user_id, Attempt.kind, AttemptItem.question_id, AttemptItem.position, AttemptItem.score)
        .join(AttemptItem, AttemptItem.attempt_id == Attempt.id)
        .where(Attempt.submitted_at.is_not(None))).all()


def agent_progress(db, project) -> list[dict]:
    chapters = [c.code for c in project.chapters]
    with db.session() as session:
        users = list(session.scalars(select(User).where(User.role == "agent").order_by(User.username)))
        rows = _submitted_items(session)
        attempts = session.execute(select(Attempt.user_id, Attempt.kind, Attempt.submitted_at)).all()
        certs = session.execute(select(Certificate.user_id, Certificate.issued_at, Certificate.score)).all()
    by_user: dict[int, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    seen: dict[int, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    for _aid, uid, _kind, qid, _pos, score in rows:
        located = project.questions.get(qid)
        if located is None:
            continue
        by_user[uid][located.obj.chapter].append(score or 0.0)
        seen[uid][located.obj.chapter].add(qid)
    bank = defaultdict(int)
    for q in project.questions.values():
        bank[q.obj.chapter] += 1
    started = Counter(a.user_id for a in attempts)
    submitted = Counter(a.user_id for a in attempts if a.submitted_at is not None)
    latest: dict[int, object] = {}
    for c in certs:
        if c.user_id not in latest or c.issued_at > latest[c.user_id].issued_at:
            latest[c.user_id] = c
    out = []
    for user in users:
        cert = latest.get(user.id)
        out.append({
            "user_id": user.id, "username": user.username, "display_name": user.display_name,
            "attempts": started[user.id],
            "submitted": submitted[user.id],
            "certified": cert is not None,
            "certified_at": cert.issued_at.isoformat() + "Z" if cert else None,
            "chapters": {code: {"seen": len(seen[user.id][code]), "bank": bank[code],
                                "mean": round(100 * sum(v) / len(v), 1) if (v := by_user[user.id][code]) else None}
                         for code in chapters},
        })
    return out


def question_statistics(db, project, min_responses: int = MIN_RESPONSES) -> dict:
    with db.session() as session:
        rows = _submitted_items(session)
    matrix: dict[int, dict[str, float]] = defaultdict(dict)
    exam_slots: dict[int, dict[int, float]] = defaultdict(dict)
    for aid, _uid, kind, qid, pos, score in rows:
        matrix[aid][qid] = score or 0.0
        if kind == "exam":
            exam_slots[aid][pos] = score or 0.0
    items = item_statistics(list(matrix.values()), min_responses=min_responses)
    for item in items:
        located = project.questions.get(item["question_id"])
        item["type"] = located.obj.type if located else None
        item["chapter"] = located.obj.chapter if located else None
    # Cronbach's alpha per quiz: the exam by slot (every exam has the same blueprint of slots).
    slot_rows = [[slots[p] for p in sorted(slots)] for slots in exam_slots.values()]
    sizes = {len(r) for r in slot_rows}
    alpha = cronbach_alpha(slot_rows) if len(sizes) == 1 else None
    return {"items": items, "quizzes": [{"quiz": "exam", "attempts": len(slot_rows),
                                         "cronbach_alpha": round(alpha, 4) if alpha is not None else None}]}


def certificates(db) -> list[dict]:
    with db.session() as session:
        rows = session.execute(select(Certificate, User.username, User.display_name)
                               .join(User, User.id == Certificate.user_id).order_by(Certificate.issued_at.desc())).all()
    return [{"id": c.id, "user_id": c.user_id, "username": name, "display_name": display, "attempt_id": c.attempt_id,
             "score": c.score, "issued_at": c.issued_at.isoformat() + "Z"} for c, name, display in rows]
