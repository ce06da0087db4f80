"""Training: API and page flows, permissions, the exam deadline, resume after restart,
concurrency — the persistence tests run on SQLite and PostgreSQL (see tests/stores.py)."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import select, update

from casebook.accounts import add_user
from casebook.store.training_models import Attempt, AttemptItem, Certificate, ReviewCard
from tests.stores import postgres_server, store_url  # noqa: F401 - fixtures
from tests.training_content import add_training_content, client_answer, to_client

RIGHT = {  # right answers for the training mini bank
    "AAA-Q01": {"choice": 0}, "AAA-Q02": {"answer": False}, "AAA-Q03": {"choices": [0, 1]},
    "AAA-Q04": {"order": [0, 1, 2, 3]}, "AAA-Q05": {"matches": {"0": 0, "1": 1, "2": 2}},
    "AAA-Q06": {"text": "我会先撤回这条广告消息。然后私聊提醒发布者群规。"},
}
WRONG = {"AAA-Q01": {"choice": 1}, "AAA-Q02": {"answer": True}, "AAA-Q03": {"choices": [2]},
         "AAA-Q04": {"order": [3, 2, 1, 0]}, "AAA-Q05": {"matches": {"0": 1, "1": 0, "2": 2}}}


def make_app(root, url, **config):
    from casebook.web import create_app
    return create_app(root=root, config={"TESTING": True, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                                         "DATABASE_URL": url, **config})


@pytest.fixture
def content(mini):
    return add_training_content(mini)


@pytest.fixture
def tapp(content, store_url):
    app = make_app(content, store_url)
    db = app.extensions["casebook.db"]
    add_user(db, "agent1", "password-1", "agent", "客服甲")
    add_user(db, "agent2", "password-2", "agent", "客服乙")
    add_user(db, "coach", "password-t", "trainer", "培训师")
    yield app
    db.dispose()


def login(app, username):
    client = app.test_client()
    password = {"agent1": "password-1", "agent2": "password-2", "coach": "password-t"}[username]
    assert client.post("/login", data={"username": username, "password": password}).status_code == 302
    return client


def answer_all(client, attempt, answers):
    for item in attempt["items"]:
        qid = item["question_id"]
        if qid in answers:
            response = client_answer(client.application, item, answers[qid])
            r = client.put(f"/api/attempts/{attempt['id']}/answers/{qid}", json={"response": response})
            assert r.status_code == 200, r.get_json()


# ------------------------------------------------------------------ API

def test_practice_flow_api(tapp):
    client = login(tapp, "agent1")
    r = client.post("/api/attempts", json={"kind": "practice", "chapter": "AAA", "count": 6})
    assert r.status_code == 201
    attempt = r.get_json()
    assert attempt["total"] == 6 and not attempt["submitted"]
    assert "correct" not in str(attempt["items"]) and "explanation" not in attempt["items"][0]
    answers = dict(RIGHT)
    answers.update({"AAA-Q03": {"choices": [0]}, "AAA-Q02": {"answer": True}})
    answer_all(client, attempt, answers)
    assert client.get(f"/api/attempts/{attempt['id']}").get_json()["answered"] == 6
    done = client.post(f"/api/attempts/{attempt['id']}/submit").get_json()
    assert done["submitted"] and done["score"] == pytest.approx((4 + 0.5) / 6, abs=1e-3)
    items = {i["question_id"]: i for i in done["items"]}
    assert items["AAA-Q01"]["correct"] and items["AAA-Q01"]["rules"][0]["url"] == "/docs/rules/aaa/#AAA-01"
    assert items["AAA-Q02"]["your_answer"] == "正确" and items["AAA-Q02"]["right_answer"] == "错误"
    assert items["AAA-Q02"]["explanation"] == "见 AAA-02。"
    evidence = items["AAA-Q06"]["detail"]["matches"]
    assert [m["matched"] for m in evidence] == [True, True] and evidence[1]["sentence"].startswith("然后私聊")
    # resubmitting or answering after submit is refused with a reason
    again = client.post(f"/api/attempts/{attempt['id']}/submit")
    assert again.status_code == 409 and again.get_json()["message"]
    late = client.put(f"/api/attempts/{attempt['id']}/answers/AAA-Q01", json={"response": {"choice": 0}})
    assert late.status_code == 409
    # missed questions enter spaced review (due after FSRS's first short step)
    with tapp.extensions["casebook.db"].session() as s:
        cards = {c.question_id for c in s.scalars(select(ReviewCard))}
    assert cards == {"AAA-Q02", "AAA-Q03"}


def test_api_payload_names_entries_by_opaque_ids(tapp):
    client = login(tapp, "agent1")
    attempt = client.post("/api/attempts", json={"kind": "practice", "chapter": "AAA", "count": 6}).get_json()
    for item in attempt["items"]:
        q = item["question"]
        for name in ("options", "items", "lefts", "rights"):
            for entry in q.get(name, []) if q["type"] != "true_false" else []:
                assert set(entry) == {"id", "text"} and not entry["id"].isdigit(), entry
    ordering = next(i for i in attempt["items"] if i["question_id"] == "AAA-Q04")
    bank_positions = client.put(f"/api/attempts/{attempt['id']}/answers/AAA-Q04", json={"response": {"order": [0, 1, 2, 3]}})
    assert bank_positions.status_code == 400 and "id" in bank_positions.get_json()["message"]
    shown = client.put(f"/api/attempts/{attempt['id']}/answers/AAA-Q04",
                       json={"response": {"order": [e["id"] for e in ordering["question"]["items"]]}})
    assert shown.status_code == 200
    done = client.post(f"/api/attempts/{attempt['id']}/submit").get_json()
    assert next(i for i in done["items"] if i["question_id"] == "AAA-Q04")["score"] < 1   # never shown in order


def test_bad_input_is_4xx_with_reason(tapp):
    client = login(tapp, "agent1")
    assert client.post("/api/attempts", json={"kind": "nope"}).status_code == 422
    assert client.post("/api/attempts", json={"kind": "practice", "chapter": "ZZZ"}).status_code == 400
    assert client.post("/api/attempts", json={"kind": "practice", "tag": "没有"}).status_code == 400
    attempt = client.post("/api/attempts", json={"kind": "practice", "count": 2, "chapter": "AAA"}).get_json()
    qid = attempt["items"][0]["question_id"]
    bad = client.put(f"/api/attempts/{attempt['id']}/answers/{qid}", json={"response": {"x": 1}})
    assert bad.status_code == 400 and "答案格式" in bad.get_json()["message"]
    assert client.put(f"/api/attempts/{attempt['id']}/answers/ZZZ-Q01", json={"response": {}}).status_code == 404
    assert client.put(f"/api/attempts/{attempt['id']}/answers/{qid}", data="not json",
                      content_type="application/json").status_code in (400, 422)
    assert client.get("/api/attempts/999999").status_code == 404


def test_permissions(tapp):
    one, two, coach = login(tapp, "agent1"), login(tapp, "agent2"), login(tapp, "coach")
    anonymous = tapp.test_client()
    attempt = one.post("/api/attempts", json={"kind": "practice", "count": 2}).get_json()
    assert anonymous.get(f"/api/attempts/{attempt['id']}").status_code == 401
    assert two.get(f"/api/attempts/{attempt['id']}").status_code == 403
    assert two.get(f"/training/attempts/{attempt['id']}").status_code == 403
    assert two.put(f"/api/attempts/{attempt['id']}/answers/AAA-Q01", json={"response": {"choice": 0}}).status_code in (403, 404)
    assert two.post(f"/api/attempts/{attempt['id']}/submit").status_code == 403
    assert two.get(f"/api/attempts?user_id={attempt['user_id']}").status_code == 403
    assert [a["id"] for a in two.get("/api/attempts").get_json()] == []
    assert coach.get(f"/api/attempts/{attempt['id']}").status_code == 200
    assert len(coach.get("/api/attempts").get_json()) == 1
    for path in ("/api/stats/questions", "/api/stats/agents", "/api/certificates.csv", "/training/trainer"):
        assert one.get(path).status_code == 403, path
        assert coach.get(path).status_code == 200, path


def test_exam_certification_and_trainer_view(tapp):
    client = login(tapp, "agent1")
    exam = client.post("/api/attempts", json={"kind": "exam"}).get_json()
    assert exam["kind"] == "exam" and exam["total"] == 4 and exam["pass_mark"] == 0.8 and exam["seconds_left"] > 1700
    again = client.post("/api/attempts", json={"kind": "exam"})
    assert again.status_code == 409 and "进行中" in again.get_json()["message"]
    answer_all(client, exam, RIGHT)
    done = client.post(f"/api/attempts/{exam['id']}/submit").get_json()
    assert done["passed"] and done["score"] == 1 and done["certificate_id"]
    coach = login(tapp, "coach")
    certs = coach.get("/api/certificates").get_json()
    assert [c["username"] for c in certs] == ["agent1"]
    csv_text = coach.get("/api/certificates.csv").get_data(as_text=True)
    assert "agent1" in csv_text and csv_text.lstrip("\ufeff").startswith("id,username")
    progress = {p["username"]: p for p in coach.get("/api/stats/agents").get_json()}
    assert progress["agent1"]["certified"] and not progress["agent2"]["certified"]
    assert progress["agent1"]["chapters"]["AAA"]["seen"] == 4
    stats = coach.get("/api/stats/questions").get_json()
    assert len(stats["items"]) == 4 and stats["quizzes"][0]["quiz"] == "exam"
    assert "AAA-Q0" in coach.get("/api/stats/questions.csv").get_data(as_text=True)
    page = coach.get("/training/trainer").get_data(as_text=True)
    assert "客服甲" in page and "已认证" in page and "Cronbach" in page


def test_exam_deadline_enforced_on_server(tapp):
    client = login(tapp, "agent1")
    exam = client.post("/api/attempts", json={"kind": "exam"}).get_json()
    first = exam["items"][0]["question_id"]
    right = client_answer(tapp, exam["items"][0], RIGHT[first])
    assert client.put(f"/api/attempts/{exam['id']}/answers/{first}", json={"response": right}).status_code == 200
    db = tapp.extensions["casebook.db"]
    with db.session() as s:
        s.execute(update(Attempt).where(Attempt.id == exam["id"])
                  .values(deadline=dt.datetime.utcnow() - dt.timedelta(minutes=1)))
    second = exam["items"][1]["question_id"]
    right = client_answer(tapp, exam["items"][1], RIGHT[second])
    late = client.put(f"/api/attempts/{exam['id']}/answers/{second}", json={"response": right})
    assert late.status_code == 409 and late.get_json()["code"] == "deadline_passed" and "时间已到" in late.get_json()["message"]
    view = client.get(f"/api/attempts/{exam['id']}").get_json()
    assert view["submitted"] and view["auto_submitted"] and view["score"] == 0.25 and view["passed"] is False
    # the lock is released: a new exam may start
    assert client.post("/api/attempts", json={"kind": "exam"}).status_code == 201


def test_exam_auto_submitted_when_next_accessed(tapp):
    client = login(tapp, "agent1")
    exam = client.post("/api/attempts", json={"kind": "exam"}).get_json()
    with tapp.extensions["casebook.db"].session() as s:
        s.execute(update(Attempt).where(Attempt.id == exam["id"]).values(deadline=dt.datetime.utcnow() - dt.timedelta(seconds=30)))
    # starting a new exam finds the old one expired, auto-submits it, and proceeds
    assert client.post("/api/attempts", json={"kind": "exam"}).status_code == 201
    assert client.get(f"/api/attempts/{exam['id']}").get_json()["auto_submitted"]


def test_resume_after_restart(content, store_url):
    app = make_app(content, store_url)
    add_user(app.extensions["casebook.db"], "agent1", "password-1")
    client = login(app, "agent1")
    attempt = client.post("/api/attempts", json={"kind": "practice", "count": 6}).get_json()
    answer_all(client, {**attempt, "items": attempt["items"][:3]}, RIGHT)
    app.extensions["casebook.db"].dispose()

    app2 = make_app(content, store_url)     # a new process, same database
    client2 = login(app2, "agent1")
    view = client2.get(f"/api/attempts/{attempt['id']}").get_json()
    assert view["answered"] == 3 and [i["question"] for i in view["items"]] == [i["question"] for i in attempt["items"]]
    assert view["items"][0]["response"] == client_answer(app2, view["items"][0], RIGHT[view["items"][0]["question_id"]])
    answer_all(client2, {**view, "items": view["items"][3:]}, RIGHT)
    assert client2.post(f"/api/attempts/{attempt['id']}/submit").get_json()["score"] == 1
    app2.extensions["casebook.db"].dispose()


def test_concurrent_saves_and_submits(content, store_url):
    """8 agents × 3 threads each saving answers (with repeats) then racing two submits."""
    from casebook.content import load_project
    from casebook.quiz import attempts as svc
    from casebook.store import Database

    db = Database(store_url)
    db.migrate()
    project = load_project(content)
    users = [add_user(db, f"agent{i}", "password-x").id for i in range(8)]
    attempts = {uid: svc.start_practice(db, project, uid, count=5) for uid in users}
    questions = {uid: [i.question_id for i in db.sessions().get(Attempt, aid).items] for uid, aid in attempts.items()}
    errors, submits = [], []
    barrier = threading.Barrier(len(users) * 3)

    def work(uid, part):
        try:
            barrier.wait()
            aid = attempts[uid]
            for qid in questions[uid]:
                if hash((qid, part)) % 3 != 0 or part == 0:   # thread 0 saves every answer; others overlap
                    right = to_client(project.questions[qid].obj, svc.presented(db, aid, qid), RIGHT[qid]) \
                        if qid != "AAA-Q06" else {"text": "撤回广告"}
                    svc.save_answer(db, project, aid, uid, qid, right)
            if part in (1, 2):
                try:
                    svc.submit(db, project, aid, uid)
                    submits.append(aid)
                except svc.AttemptError as exc:
                    assert exc.code == "submitted"
        except svc.AttemptError as exc:
            if exc.code != "submitted":   # a save after the race's submit is refused, never lost silently
                errors.append(exc)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(uid, part)) for uid in users for part in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    assert sorted(submits) == sorted(attempts.values())           # exactly one submit per attempt won
    with db.session() as s:
        for uid, aid in attempts.items():
            items = list(s.scalars(select(AttemptItem).where(AttemptItem.attempt_id == aid)))
            assert len(items) == 5 == len({i.question_id for i in items})      # none duplicated
            attempt = s.get(Attempt, aid)
            assert attempt.submitted_at is not None
            graded = sum(i.score or 0 for i in items) / 5
            assert attempt.score == pytest.approx(graded, abs=1e-4)             # the score covers what was saved
            saved_before = [i for i in items if i.saved_at and i.saved_at <= attempt.submitted_at]
            assert len(saved_before) == sum(1 for i in items if i.response is not None)   # none saved after submit
    db.dispose()


# ------------------------------------------------------------------ pages (no JavaScript)

def test_pages_practice_flow(tapp):
    client = login(tapp, "agent1")
    home = client.get("/training/").get_data(as_text=True)
    assert "我的培训" in home and "开始练习" in home and "开始考试" in home
    assert "培训与测验" in client.get("/").get_data(as_text=True)
    r = client.post("/training/practice", data={"chapter": "AAA", "count": "6"})
    assert r.status_code == 302
    url = r.headers["Location"]
    attempt_id = int(url.rstrip("/").split("/")[-1])
    page = client.get(url).get_data(as_text=True)
    assert "保存本题" in page and "交卷" in page
    # the form fields carry the attempt's opaque ids (read from the API view of the same attempt)
    items = {i["question_id"]: i for i in client.get(f"/api/attempts/{attempt_id}").get_json()["items"]}
    ids = {qid: client_answer(tapp, items[qid], RIGHT[qid]) for qid in RIGHT}
    forms = {
        "AAA-Q01": {"choice": ids["AAA-Q01"]["choice"]}, "AAA-Q02": {"answer": "false"},
        "AAA-Q03": {"choices": ids["AAA-Q03"]["choices"]},
        "AAA-Q04": {f"pos_{k}": str(n) for n, k in enumerate(ids["AAA-Q04"]["order"], start=1)},
        "AAA-Q05": {f"match_{k}": v for k, v in ids["AAA-Q05"]["matches"].items()},
        "AAA-Q06": {"text": "我会先撤回这条广告消息。然后私聊提醒发布者群规。"},
    }
    for qid, data in forms.items():
        saved = client.post(f"/training/attempts/{attempt_id}/answers/{qid}", data=data)
        assert saved.status_code == 302 and saved.headers["Location"].endswith(f"#q-{qid}")
    dup = client.post(f"/training/attempts/{attempt_id}/answers/AAA-Q04",
                      data={f"pos_{k}": "1" for k in ids["AAA-Q04"]["order"]})
    assert "不同的序号" in client.get(dup.headers["Location"]).get_data(as_text=True)
    page = client.get(url).get_data(as_text=True)
    assert page.count("已保存") == 6 and f'value="{ids["AAA-Q01"]["choice"]}" checked' in page
    client.post(f"/training/attempts/{attempt_id}/submit")
    result = client.get(url).get_data(as_text=True)
    assert "100.0" in result and "解析" in result and 'href="/docs/rules/aaa/#AAA-01"' in result and "你的答案" in result


def test_pages_review_due_shown(tapp):
    client = login(tapp, "agent1")
    attempt = client.post("/api/attempts", json={"kind": "practice", "count": 2, "chapter": "AAA", "difficulty": 1}).get_json()
    answer_all(client, attempt, WRONG)
    client.post(f"/api/attempts/{attempt['id']}/submit")
    db = tapp.extensions["casebook.db"]
    with db.session() as s:   # jump past the first FSRS learning step
        s.execute(update(ReviewCard).values(due=dt.datetime.utcnow() - dt.timedelta(minutes=1)))
    due = client.get("/api/review/due").get_json()
    assert [d["question_id"] for d in due] == ["AAA-Q01"]
    page = client.get("/training/").get_data(as_text=True)
    assert "到期" in page and "AAA-Q01" in page and "开始复习" in page
    home = client.get("/").get_data(as_text=True)
    assert "您有 1 道题到期需要复习" in home
    r = client.post("/training/practice", data={"review": "1", "count": "5"})
    review = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "AAA-Q01" in review


def test_csrf_required_for_api_writes(content, tmp_path):
    app = make_app(content, f"sqlite:///{tmp_path / 'csrf.db'}", WTF_CSRF_ENABLED=True)
    add_user(app.extensions["casebook.db"], "agent1", "password-1")
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0] if 'type="hidden" value="' in page \
        else client.get("/api/csrf-token").get_json()["csrf_token"]
    assert client.post("/login", data={"username": "agent1", "password": "password-1", "csrf_token": token}).status_code == 302
    assert client.post("/api/attempts", json={"kind": "practice"}).status_code == 400
    token = client.get("/api/csrf-token").get_json()["csrf_token"]
    assert client.post("/api/attempts", json={"kind": "practice"}, headers={"X-CSRFToken": token}).status_code == 201
    app.extensions["casebook.db"].dispose()


def test_openapi_lists_training_routes(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    for path in ("/api/attempts", "/api/attempts/{attempt_id}", "/api/attempts/{attempt_id}/answers/{question_id}",
                 "/api/attempts/{attempt_id}/submit", "/api/review/due", "/api/stats/questions", "/api/certificates"):
        assert path in paths, path


def test_wrong_red_line_answer_fails_the_exam_whatever_the_total(content, store_url):
    """AAA-Q02 is a must-pass question: one wrong answer to it fails an exam scored 75 % against a 50 % pass mark."""
    (content / "quiz/exam/exam.yml").write_text(
        "time_limit_min: 30\npass_mark: 0.5\nblueprint:\n  AAA: 4\nred_line:\n  per_exam: 1\n  questions: [AAA-Q02]\n",
        encoding="utf-8")
    app = make_app(content, store_url)
    add_user(app.extensions["casebook.db"], "agent1", "password-1")
    client = login(app, "agent1")
    exam = client.post("/api/attempts", json={"kind": "exam"}).get_json()
    assert [i["question_id"] for i in exam["items"] if i["red_line"]] == ["AAA-Q02"]
    assert exam["red_line"] == ["AAA-Q02"]
    answers = {qid: (WRONG if qid == "AAA-Q02" else RIGHT)[qid] for qid in RIGHT}
    answer_all(client, exam, answers)
    done = client.post(f"/api/attempts/{exam['id']}/submit").get_json()
    assert done["score"] == 0.75 and done["passed"] is False and not done["certificate_id"]
    assert done["red_line_failed"] == ["AAA-Q02"]
    page = client.get(f"/training/attempts/{exam['id']}").get_data(as_text=True)
    assert "未通过原因：红线题答错 1 道" in page and "AAA-Q02" in page

    again = client.post("/api/attempts", json={"kind": "exam"}).get_json()
    answer_all(client, again, RIGHT)
    passed = client.post(f"/api/attempts/{again['id']}/submit").get_json()
    assert passed["passed"] and passed["red_line_failed"] == []
    assert "未通过原因" not in client.get(f"/training/attempts/{again['id']}").get_data(as_text=True)
    app.extensions["casebook.db"].dispose()
