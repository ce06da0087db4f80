"""Disputes, quick and blind calibration, agreement gates (issue 15) through pages and API,
on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest

from casebook.accounts import add_user
from casebook.content import load_project
from casebook.content.problems import ProblemList
from casebook.scoring.validation import DISPUTES, load_set, validate_project
from tests.stores import postgres_server, store_url  # noqa: F401 - fixtures
from tests.training_content import add_training_content, client_answer


def make(root, url, **config):
    from casebook.web import create_app
    app = create_app(root=root, config={"TESTING": True, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                                         "DATABASE_URL": url, **config})
    db = app.extensions["casebook.db"]
    add_user(db, "agent1", "password-1", "agent", "客服甲")
    add_user(db, "agent2", "password-2", "agent", "客服乙")
    add_user(db, "coach", "password-t", "trainer", "王培训")
    add_user(db, "coach2", "password-u", "trainer", "李培训")
    return app


PASSWORDS = {"agent1": "password-1", "agent2": "password-2", "coach": "password-t", "coach2": "password-u"}


def login(app, username):
    client = app.test_client()
    assert client.post("/login", data={"username": username, "password": PASSWORDS[username]}).status_code == 302
    return client


@pytest.fixture
def tapp(mini, store_url):
    app = make(add_training_content(mini), store_url)
    yield app
    app.extensions["casebook.db"].dispose()


def play_missing_delete(client) -> dict:
    """CASE-001 with the required delete_message left out: the report fails it and caps the score."""
    started = client.post("/api/scenarios/CASE-001/attempts").get_json()
    client.post(f"/api/scenario-attempts/{started['id']}/turns",
                json={"actions": ["warn_member"], "reply": "您好，群内禁止发布广告，请您理解。"})
    done = client.post(f"/api/scenario-attempts/{started['id']}/turns", json={"reply": "感谢您的配合！"}).get_json()
    assert done["finished"]
    return done


def failing(report: dict, kind: str) -> int:
    return next(i for i, c in enumerate(report["criteria"]) if c["kind"] == kind and c["status"] == "fail")


def test_dispute_flow_end_to_end(tapp, mini):
    agent, coach = login(tapp, "agent1"), login(tapp, "coach")
    done = play_missing_delete(agent)
    aid, report = done["id"], done["report"]
    index = failing(report, "required_actions")
    from casebook.scoring.scorer import SETTINGS
    assert report["score"] <= SETTINGS.cap_missing                             # capped: a required action is missing
    # the agent contests it on the report page
    page = agent.get(f"/scenarios/attempts/{aid}").get_data(as_text=True)
    assert "对这一项有异议？申诉" in page and f'name="criterion" value="{index}"' in page
    empty = agent.post(f"/scenarios/attempts/{aid}/disputes", data={"criterion": index, "comment": " "},
                       follow_redirects=True).get_data(as_text=True)
    assert "申诉未提交：请填写申诉理由" in empty
    agent.post(f"/scenarios/attempts/{aid}/disputes", data={"criterion": index, "comment": "我撤回了那条广告，只是忘了点按钮"})
    again = agent.post(f"/api/scenario-attempts/{aid}/disputes", json={"criterion": index, "comment": "再来一次"})
    assert again.status_code == 409 and again.get_json()["message"] == "这一项已有待处理的申诉"
    passed = next(i for i, c in enumerate(report["criteria"]) if c["status"] == "pass")
    assert agent.post(f"/api/scenario-attempts/{aid}/disputes",
                      json={"criterion": passed, "comment": "x"}).get_json()["message"] == "只能对未通过的评分项提出申诉"
    # others cannot contest it, agents cannot resolve
    other = login(tapp, "agent2")
    assert other.post(f"/api/scenario-attempts/{aid}/disputes", json={"criterion": index, "comment": "x"}).status_code == 403
    mine = agent.get("/disputes").get_data(as_text=True)
    assert "待处理" in mine and "我撤回了那条广告" in mine
    open_ = agent.get("/api/disputes").get_json()["disputes"]
    assert len(open_) == 1 and open_[0]["agent"] == "客服甲"
    did = open_[0]["id"]
    assert agent.post(f"/api/disputes/{did}/resolve", json={"decision": "accept"}).status_code == 403
    # the trainer's queue; reject needs a reason
    queue = coach.get("/disputes").get_data(as_text=True)
    assert "客服甲" in queue and "我撤回了那条广告" in queue and "执行 delete_message" not in queue and "撤回消息" in queue
    no_reason = coach.post(f"/api/disputes/{did}/resolve", json={"decision": "reject"})
    assert no_reason.status_code == 400 and no_reason.get_json()["message"] == "请填写驳回理由"
    assert "未处理：请填写驳回理由" in coach.post(f"/disputes/{did}/resolve", data={"decision": "reject"},
                                                 follow_redirects=True).get_data(as_text=True)
    # accept: the score is recomputed without the cap; who, when and why are recorded
    coach.post(f"/disputes/{did}/resolve", data={"decision": "accept", "reason": "回放确认已撤回"})
    resolved = coach.get("/api/disputes?state=resolved").get_json()["disputes"][0]
    assert resolved["state"] == "accepted" and resolved["resolver"] == "王培训" and resolved["resolution"] == "回放确认已撤回"
    assert resolved["score_before"] == report["score"] and resolved["score_after"] > report["score"]
    review = agent.get(f"/api/scenario-attempts/{aid}/review").get_json()
    assert review["score"] == resolved["score_after"] and review["auto_score"] == report["score"]
    assert review["changed"] == [index]
    history = agent.get("/scenarios/history").get_data(as_text=True)
    assert f"<td>{resolved['score_after']}</td>" in history                   # the recorded score
    assert f"{resolved['score_after']:g}" in agent.get("/scenarios").get_data(as_text=True)  # best score
    shown = agent.get(f"/scenarios/attempts/{aid}").get_data(as_text=True)
    assert "经申诉改判" in shown and "王培训" in shown and "回放确认已撤回" in shown
    assert f"自动评分 {report['score']:g} 分" in shown
    assert coach.post(f"/api/disputes/{did}/resolve", json={"decision": "reject", "reason": "x"}).status_code == 409
    # once decided, not again
    assert agent.post(f"/api/scenario-attempts/{aid}/disputes",
                      json={"criterion": index, "comment": "x"}).get_json()["message"].startswith("这一项已申诉过")
    # one click into the validation set: its own file, its own group, lint-clean
    added = coach.post(f"/api/disputes/{did}/validation")
    assert added.status_code == 201, added.get_json()
    path = mini / added.get_json()["path"]
    assert path.name == "CASE-001.disputes.yml" and "round: disputes" in path.read_text(encoding="utf-8")
    assert "grader: 王培训" in path.read_text(encoding="utf-8")
    assert coach.post(f"/api/disputes/{did}/validation").status_code == 409
    problems = ProblemList()
    items = load_set(mini, problems)
    assert not [p for p in problems if p.severity == "error"], list(problems)
    item = next(i for i in items if i.id == added.get_json()["id"])
    assert item.round == DISPUTES and item.kind == "dispute" and item.grade == resolved["score_after"]
    step1 = item.verdicts[0][1]                                               # the trainer-corrected verdict only
    assert step1["actions"] == "pass" and "tone" not in step1 and not step1["key_points"]


def test_rejected_dispute_and_validation_groups(tapp, mini):
    agent, coach = login(tapp, "agent1"), login(tapp, "coach")
    done = play_missing_delete(agent)
    index = failing(done["report"], "required_actions")
    did = agent.post(f"/api/scenario-attempts/{done['id']}/disputes",
                     json={"criterion": index, "comment": "不同意"}).get_json()["id"]
    rejected = coach.post(f"/api/disputes/{did}/resolve", json={"decision": "reject", "reason": "回放中没有撤回"}).get_json()
    assert rejected["state"] == "rejected" and rejected["score_after"] == done["report"]["score"]
    page = agent.get(f"/scenarios/attempts/{done['id']}").get_data(as_text=True)
    assert "未采纳" in page and "回放中没有撤回" in page
    coach.post(f"/disputes/{did}/validation", data={})
    project = load_project(mini)
    from casebook.scoring import Scorer
    items, parts = validate_project(project, Scorer(project).score)
    group = "disputes (trainer-corrected, not blind)"
    assert group in parts and parts[group].n == 1 and not [i.error for i in items if i.error]
    from click.testing import CliRunner
    from casebook.cli import cli
    lint = CliRunner().invoke(cli, ["lint", "--root", str(mini)])
    assert lint.exit_code == 0 and "CASE-001.disputes.yml" not in lint.output, lint.output
    assert parts["all"].n == len([i for i in items if i.round != DISPUTES])   # never mixed into "all" or tuning


def test_short_answer_dispute_updates_the_record(tapp):
    agent, coach = login(tapp, "agent1"), login(tapp, "coach")
    attempt = agent.post("/api/attempts", json={"kind": "practice", "chapter": "AAA", "count": 6}).get_json()
    item = next(i for i in attempt["items"] if i["question_id"] == "AAA-Q06")
    agent.put(f"/api/attempts/{attempt['id']}/answers/AAA-Q06",
              json={"response": client_answer(tapp, item, {"text": "我会先撤回这条广告消息。"})})
    done = agent.post(f"/api/attempts/{attempt['id']}/submit").get_json()
    q6 = next(i for i in done["items"] if i["question_id"] == "AAA-Q06")
    missed = next(n for n, m in enumerate(q6["detail"]["matches"]) if not m["matched"])
    page = agent.get(f"/training/attempts/{attempt['id']}").get_data(as_text=True)
    assert "申诉这一要点" in page
    agent.post(f"/training/attempts/{attempt['id']}/disputes",
               data={"question_id": "AAA-Q06", "point": missed, "comment": "我私聊提醒过"})
    bad = agent.post(f"/api/attempts/{attempt['id']}/disputes", json={"question_id": "AAA-Q01", "point": 0, "comment": "x"})
    assert bad.status_code == 400 and bad.get_json()["message"] == "只有按要点评分的题目（简答题）可以按要点申诉"
    did = coach.get("/api/disputes").get_json()["disputes"][0]["id"]
    out = coach.post(f"/api/disputes/{did}/resolve", json={"decision": "accept", "reason": "意思到了"}).get_json()
    assert out["score_after"] > out["score_before"] == done["score"]
    after = agent.get(f"/api/attempts/{attempt['id']}").get_json()
    assert after["score"] == out["score_after"]
    assert next(i for i in after["items"] if i["question_id"] == "AAA-Q06")["score"] > q6["score"]
    assert coach.post(f"/api/disputes/{did}/validation").get_json()["message"] == "只有情景演练的申诉可以加入评分验证集"


def test_calibration_agree_all_overrides_blind_and_two_trainers(tapp):
    agent, coach, coach2 = login(tapp, "agent1"), login(tapp, "coach"), login(tapp, "coach2")
    done = play_missing_delete(agent)
    aid, criteria = done["id"], done["report"]["criteria"]
    page = coach.get(f"/scenarios/attempts/{aid}").get_data(as_text=True)
    assert "全部同意自动评分" in page and "盲评：先隐藏自动评分" in page
    # one click: every criterion stored as the scorer had it
    r = coach.post(f"/scenarios/attempts/{aid}/calibrate", data={"mode": "agree"}, follow_redirects=True)
    assert f"已保存 {len(criteria)} 项人工评分（全部同意自动评分）" in r.get_data(as_text=True)
    # an override needs a comment
    index = failing(done["report"], "required_actions")
    r = coach.post(f"/scenarios/attempts/{aid}/calibrate", data={"mode": "agree", f"o{index}": "pass"}, follow_redirects=True)
    assert f"第 {index + 1} 项改判为与自动评分不同的结果，须填写理由" in r.get_data(as_text=True)
    coach.post(f"/scenarios/attempts/{aid}/calibrate", data={"mode": "agree", f"o{index}": "pass", f"m{index}": "已撤回"})
    # a second trainer grades blind: the scorer's verdicts are not on the page until then
    blind = coach2.get(f"/scenarios/attempts/{aid}?blind=1").get_data(as_text=True)
    assert "提交盲评" in blind and 'id="blind-note"' in blind
    assert "做到了" not in blind and 'id="score"' not in blind and 'id="comment"' not in blind
    assert "评分器原判" not in blind
    grades = {f"b{i}": c["status"] for i, c in enumerate(criteria)}
    grades[f"b{index}"] = "pass"
    coach2.post(f"/scenarios/attempts/{aid}/calibrate", data={"mode": "blind", **grades})
    after = coach2.get(f"/scenarios/attempts/{aid}").get_data(as_text=True)
    assert "王培训：通过（已撤回）" in after                                   # the other trainer, after grading
    stats = coach.get("/api/scenarios/agreement").get_json()
    assert stats["graders"] == 2 and stats["attempts"] == 1
    assert stats["trainers"]["required_actions"]["agreement"] == 1.0
    assert stats["scorer"]["required_actions"]["agreement"] < 1.0
    cal = coach.get("/scenarios/calibration").get_data(as_text=True)
    assert "必做动作" in cal and "培训师之间" in cal and "forbidden_actions" not in cal and ">avoid<" not in cal
    # API: the same service
    api = coach.post(f"/api/scenario-attempts/{aid}/calibration",
                     json={"agree_all": False, "grades": [{"criterion": index, "status": "pass"}]})  # no comment
    assert api.status_code == 400 and "须填写理由" in api.get_json()["message"]
    assert agent.post(f"/api/scenario-attempts/{aid}/calibration", json={"agree_all": True}).status_code == 403
    assert agent.get("/scenarios/calibration").status_code == 403
    # the database's counts give the same tables as the rows counted in Python
    from casebook.trust import agreement, calibration
    with tapp.extensions["casebook.db"].session() as session:
        assert calibration.stats(session) == agreement.tables(calibration.grade_rows(session))


def test_gate_closes_and_leaves_certification(mini, tmp_path):
    app = make(mini, f"sqlite:///{tmp_path / 'gate.db'}", GATE_MIN_N=3)
    try:
        agent, coach = login(app, "agent1"), login(app, "coach")
        reports = [play_missing_delete(agent) for _ in range(2)]
        for done in reports:   # the trainer fails every key point the scorer passed, and passes every one it failed
            flips = [{"criterion": i, "status": "fail" if c["status"] == "pass" else "pass", "comment": "不同意"}
                     for i, c in enumerate(done["report"]["criteria"]) if c["kind"] == "key_points"]
            assert coach.post(f"/api/scenario-attempts/{done['id']}/calibration",
                              json={"agree_all": True, "grades": flips}).status_code == 200
        gates = {g["kind"]: g for g in coach.get("/api/scenarios/agreement").get_json()["gates"]}
        assert gates["key_points"]["state"] == "closed" and gates["required_actions"]["state"] == "open"
        page = agent.get(f"/scenarios/attempts/{reports[0]['id']}").get_data(as_text=True)
        assert "需人工复核" in page and "不计入认证判定" in page and "要点传达" in page
        review = agent.get(f"/api/scenario-attempts/{reports[0]['id']}/review").get_json()
        assert review["needs_review"] == ["key_points"]
        cal = coach.get("/scenarios/calibration").get_data(as_text=True)
        assert "需人工复核" in cal and "要点传达" in cal
    finally:
        app.extensions["casebook.db"].dispose()
