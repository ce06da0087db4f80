"""A small cohort for the trainer dashboard, statistics and export tests: agents with quizzes (through
the API, so grading is real), scenario attempts at the mini CASE-001 with stored reports (written
here, so no scoring model is needed) and a trainer's calibration grades on two days."""
from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import update

from casebook.accounts import add_user
from casebook.store.scenario_models import ScenarioAttempt, ScenarioGrade, ScenarioTurn
from casebook.store.training_models import Attempt, AttemptItem
from tests.training_content import client_answer

RIGHT = {"AAA-Q01": {"choice": 0}, "AAA-Q02": {"answer": False}, "AAA-Q03": {"choices": [0, 1]},
         "AAA-Q04": {"order": [0, 1, 2, 3]}, "AAA-Q05": {"matches": {"0": 0, "1": 1, "2": 2}}}
WRONG = {"AAA-Q01": {"choice": 1}, "AAA-Q02": {"answer": True}, "AAA-Q03": {"choices": [2]},
         "AAA-Q04": {"order": [3, 2, 1, 0]}, "AAA-Q05": {"matches": {"0": 1, "1": 0, "2": 2}}}
USERS = (("agent1", "agent", "客服甲"), ("agent2", "agent", "客服乙"), ("agent3", "agent", ""),
         ("coach", "trainer", "培训师老王"))
PASSWORD = "password-i"
DAY1 = dt.datetime(2026, 11, 2, 2, 0)          # 10:00 in Shanghai
DAY2 = dt.datetime(2026, 11, 3, 2, 0)


def c(step, kind, label, status, deduction=0.0):
    return {"step": step, "kind": kind, "label": label, "status": status, "weight": 1, "evidence": "", "rule": None,
            "said": None, "detail": None, "deduction": deduction if status == "fail" else 0.0}


def report(score, path, s1_key, s1_avoid, s2_key):
    second = path[1]
    return {"case": "CASE-001", "score": score, "max": 100.0, "critical": [], "comment": "", "path": path, "caps": [],
            "raw": score, "criteria": [
                c("s1", "required_actions", "执行 delete_message", "pass"),
                c("s1", "forbidden_actions", "未执行禁止动作（remove_member）", "pass" if second == "s2" else "fail"),
                c("s1", "key_points", "说明群内禁止广告", s1_key, 20),
                c("s1", "avoid", "未使用禁用语（滚）", s1_avoid, 15),
                c(second, "key_points", "感谢配合" if second == "s2" else "致歉并说明申诉渠道", s2_key, 20)]}


SCENARIOS = [  # (user, score, path, s1 key point, s1 avoid, s2 key point, finished)
    ("agent1", 90.0, ["s1", "s2"], "pass", "pass", "pass", DAY1),
    ("agent1", 75.0, ["s1", "s2"], "pass", "fail", "pass", DAY2),
    ("agent2", 40.0, ["s1", "s2_complaint"], "fail", "pass", "fail", DAY1),
    ("agent3", 60.0, ["s1", "s2"], "fail", "pass", "pass", DAY2),
]


def login(app, username):
    client = app.test_client()
    assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
    return client


def quiz(client, answers: dict, when: dt.datetime, kind: str = "practice") -> int:
    body = {"kind": kind} if kind == "exam" else {"kind": "practice", "count": 6}
    attempt = client.post("/api/attempts", json=body).get_json()
    for item in attempt["items"]:
        if item["question_id"] in answers:
            response = client_answer(client.application, item, answers[item["question_id"]])
            assert client.put(f"/api/attempts/{attempt['id']}/answers/{item['question_id']}",
                              json={"response": response}).status_code == 200
    assert client.post(f"/api/attempts/{attempt['id']}/submit").status_code == 200
    with client.application.extensions["casebook.db"].session() as session:
        session.execute(update(Attempt).where(Attempt.id == attempt["id"])
                        .values(created_at=when - dt.timedelta(minutes=20), submitted_at=when))
        session.execute(update(AttemptItem).where(AttemptItem.attempt_id == attempt["id"], AttemptItem.saved_at.is_not(None))
                        .values(saved_at=when - dt.timedelta(minutes=10)))
    return attempt["id"]


def seed(app) -> dict:
    """Accounts, quizzes, scenario attempts and grades; returns {username: user id, ...}."""
    db = app.extensions["casebook.db"]
    ids = {name: add_user(db, name, PASSWORD, role, display).id for name, role, display in USERS}
    quiz(login(app, "agent1"), RIGHT, DAY1)
    quiz(login(app, "agent1"), {**RIGHT, "AAA-Q02": WRONG["AAA-Q02"]}, DAY2)
    quiz(login(app, "agent2"), WRONG, DAY1)
    quiz(login(app, "agent3"), {k: RIGHT[k] if k in ("AAA-Q01", "AAA-Q02") else WRONG[k] for k in RIGHT}, DAY2)
    with db.session() as session:
        for user, score, path, s1_key, s1_avoid, s2_key, finished in SCENARIOS:
            rep = report(score, path, s1_key, s1_avoid, s2_key)
            attempt = ScenarioAttempt(user_id=ids[user], case_id="CASE-001", status="finished", current_step=None,
                                      score=score, report_json=json.dumps(rep, ensure_ascii=False),
                                      started_at=finished - dt.timedelta(minutes=6), finished_at=finished)
            session.add(attempt)
            session.flush()
            for position, step in enumerate(path):
                actions = ["delete_message", "warn_member", "reply"] if step == "s1" else ["reply"]
                session.add(ScenarioTurn(attempt_id=attempt.id, position=position, step=step,
                                         actions=json.dumps(actions), reply="您好，群内禁止发布广告。" if step == "s1" else "谢谢配合！",
                                         visibility="public", real_seconds=60.0, minutes=1.0,
                                         created_at=finished - dt.timedelta(minutes=4 - 2 * position)))
            # the trainer agrees on every criterion but the last of the first attempt each day
            for index, criterion in enumerate(rep["criteria"]):
                status = criterion["status"]
                if index == 4 and user in ("agent1", "agent2") and score in (90.0, 40.0):
                    status = "fail" if status == "pass" else "pass"
                session.add(ScenarioGrade(attempt_id=attempt.id, grader_id=ids["coach"], criterion=index,
                                          kind=criterion["kind"], status=status, created_at=finished + dt.timedelta(hours=1)))
    return ids


def seeded_app(tmp_path):
    """A test app on the training mini content with the seeded cohort; yields (app, ids)."""
    from casebook.web import create_app
    from tests.conftest import MINI, copy_content
    from tests.training_content import add_training_content
    root = add_training_content(copy_content(MINI, tmp_path / "mini"))
    app = create_app(root=root, config={"TESTING": True, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                                        "DATABASE_URL": f"sqlite:///{tmp_path / 'insight.db'}"})
    try:
        yield app, seed(app)
    finally:
        app.extensions["casebook.db"].dispose()
