"""The scenario simulator: start, answer steps (branching), resume, report, history, grading, API."""
from __future__ import annotations


def test_list_and_intro(app, client, auth):
    assert "CASE-001" in client.get("/scenarios").get_data(as_text=True)
    assert client.get("/scenarios/CASE-001").status_code == 302  # sign in first
    auth.login(client=client)
    page = client.get("/scenarios/CASE-001").get_data(as_text=True)
    assert "开始练习" in page
    assert client.get("/scenarios/CASE-999").status_code == 404


def test_play_resume_report_history(app, client, auth):
    auth.login(client=client)
    client.post("/scenarios/CASE-001/start")
    page = client.get("/scenarios/CASE-001").get_data(as_text=True)
    assert "广告消息" in page and 'name="csrf_token"' in page
    attempt_id = int(page.split("/scenarios/attempts/")[1].split("/")[0])
    r = client.post(f"/scenarios/attempts/{attempt_id}/answer",
                    data={"step": "s1", "reply": "您好，群内禁止发布广告，消息已删除，请您理解。", "visibility": "public",
                          "actions": ["delete_message", "warn_member"]})
    assert r.status_code == 302
    resumed = client.get("/scenarios/CASE-001").get_data(as_text=True)  # reload resumes at s2
    assert "知道了" in resumed and "您好，群内禁止发布广告" in resumed
    r = client.post(f"/scenarios/attempts/{attempt_id}/answer", data={"step": "s2", "reply": "感谢您的配合！"})
    assert r.headers["Location"].endswith(f"/scenarios/attempts/{attempt_id}")
    report = client.get(f"/scenarios/attempts/{attempt_id}").get_data(as_text=True)
    assert "得分" in report and "/docs/rules/" in report
    # in the agent's words: Chinese action names, "你的回复「…」做到了「…」", no scorer figures
    assert "你的回复「感谢您的配合" in report and "」做到了「感谢配合」" in report and "做到了「撤回消息」" in report
    assert "delete_message" not in report and "相似度" not in report and "详情" not in report
    assert "你撤回了这条消息" in report and "你警告了 阿杰" in report      # the replay shows the actions
    assert f"/scenarios/attempts/{attempt_id}" in client.get("/scenarios/history").get_data(as_text=True)
    client.post("/logout")
    auth.login("trainer1", role="trainer", client=client)            # trainers keep the figures behind 详情
    report = client.get(f"/scenarios/attempts/{attempt_id}").get_data(as_text=True)
    assert "<summary>详情</summary>" in report


def test_empty_reply_asks_first_and_removed_member_speaks_privately(app, client, auth):
    auth.login(client=client)
    client.post("/scenarios/CASE-001/start")
    page = client.get("/scenarios/CASE-001").get_data(as_text=True)
    attempt_id = int(page.split("/scenarios/attempts/")[1].split("/")[0])
    asked = client.post(f"/scenarios/attempts/{attempt_id}/answer",
                        data={"step": "s1", "reply": "  ", "actions": ["remove_member"]})
    text = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "你还没有写回复" in text and 'name="confirm_empty" value="1"' in text
    assert 'value="remove_member" checked' in text                       # the choice is kept
    sent = client.post(f"/scenarios/attempts/{attempt_id}/answer",
                       data={"step": "s1", "reply": "", "actions": ["remove_member"], "confirm_empty": "1"})
    assert sent.status_code == 302
    chat = client.get("/scenarios/CASE-001").get_data(as_text=True)
    assert "你将 阿杰 移出了群聊" in chat and "私聊你（已被移出群聊）" in chat and "凭什么踢我" in chat


def test_branching_and_api_and_calibration(app, client, auth):
    auth.login("trainer1", role="trainer", client=client)
    started = client.post("/api/scenarios/CASE-001/attempts").get_json()
    assert started["current_step"] == "s1" and started["messages"][0]["text"] == "广告消息"
    step = client.post(f"/api/scenario-attempts/{started['id']}/turns",
                       json={"actions": ["remove_member"], "reply": "已经踢了"}).get_json()
    assert step["current_step"] == "s2_complaint"
    done = client.post(f"/api/scenario-attempts/{started['id']}/turns",
                       json={"actions": [], "reply": "非常抱歉，您可以在7天内申诉。"}).get_json()
    assert done["finished"] and done["report"]["score"] < 80
    assert done["report"]["criteria"][0]["rule_url"].startswith("/docs/rules/")
    n = len(done["report"]["criteria"])
    grades = [{"criterion": i, "status": c["status"]} for i, c in enumerate(done["report"]["criteria"])]
    assert client.post(f"/api/scenario-attempts/{started['id']}/grades", json={"grades": grades}).get_json()["stored"] == n
    cal = client.get("/api/scenarios/calibration").get_json()
    assert cal["attempts"] == 1 and all(k["agreement"] == 1.0 for k in cal["kinds"].values())
    assert "Cohen" in client.get("/scenarios/calibration").get_data(as_text=True)
    spec = client.get("/api/openapi.json").get_json()
    assert "/api/scenarios" in spec["paths"] and "/api/scenario-attempts/{attempt_id}/turns" in spec["paths"]


def test_agent_cannot_grade_or_see_others(app, client, auth):
    auth.login(client=client)
    assert client.get("/api/scenarios/calibration").status_code == 403
    assert client.get("/scenarios/calibration").status_code == 403


def _finished_with_review(app, client, review: dict):
    """A CASE-001 attempt played to its end by the signed-in agent, its stored report given `review`."""
    import json

    from casebook.store.scenario_models import ScenarioAttempt
    started = client.post("/api/scenarios/CASE-001/attempts").get_json()
    client.post(f"/api/scenario-attempts/{started['id']}/turns", json={"actions": ["delete_message", "warn_member"],
                                                                        "reply": "您好，群内禁止发布广告，消息已删除。"})
    done = client.post(f"/api/scenario-attempts/{started['id']}/turns", json={"actions": [], "reply": "感谢配合！"}).get_json()
    with app.extensions["casebook.db"].session() as session:
        attempt = session.get(ScenarioAttempt, started["id"])
        report = json.loads(attempt.report_json)
        report["review"] = [review]
        attempt.report_json = json.dumps(report, ensure_ascii=False)
    return started, done


def test_a_possible_critical_failure_is_shown_and_queued_for_review(app, client, auth):
    """The scorer's review list (a sentence it cannot decide is critical) reaches the agent as a note on
    the report and the trainers as a badge and a filter in the history."""
    auth.login(client=client)
    started, done = _finished_with_review(app, client, {
        "step": "s1", "reason": "承诺了超出权限的赔偿、退款或免费服务", "evidence": "钱我先给您退回去",
        "example": "这个钱我做主先退给您，不用等审核", "similarity": 0.92, "margin": 0.012, "rule": None})
    assert done["finished"] and "review" in done["report"]
    other = client.post("/api/scenarios/CASE-001/attempts").get_json()  # a second attempt with nothing to review
    page = client.get(f"/scenarios/attempts/{started['id']}").get_data(as_text=True)
    assert 'id="possible-critical"' in page and "待培训师复核" in page and "第 1 步" in page
    assert "“钱我先给您退回去”" in page and "这个钱我做主先退给您" in page and "相似度" not in page  # figures: trainers only
    assert "review=1" not in client.get("/scenarios/history").get_data(as_text=True)  # an agent has no queue
    client.post("/logout")
    auth.login("trainer1", role="trainer", client=client)
    assert "相似度 0.92" in client.get(f"/scenarios/attempts/{started['id']}").get_data(as_text=True)
    everyone = client.get("/scenarios/history").get_data(as_text=True)
    assert "只看待复核的记录" in everyone and everyone.count(">待复核</span>") == 1
    queue = client.get("/scenarios/history?review=1").get_data(as_text=True)
    assert "待复核：可能的严重问题" in queue and f"/scenarios/attempts/{started['id']}\"" in queue
    assert f"<td>{other['id']}</td>" not in queue


def test_a_review_by_the_learned_model_shows_its_cues_and_figures_to_trainers_only(app, client, auth):
    auth.login(client=client)
    started, _ = _finished_with_review(app, client, {
        "step": "s1", "reason": "承诺了超出权限的赔偿、退款或免费服务", "evidence": "回头我悄悄给您补上",
        "example": "“悄悄”、“回头”", "similarity": 0.71, "margin": 0.0, "rule": None, "basis": "learned"})
    page = client.get(f"/scenarios/attempts/{started['id']}").get_data(as_text=True)
    assert "“回头我悄悄给您补上”与培训师判为严重问题「承诺了超出权限的赔偿、退款或免费服务」的说法相近" in page
    assert "主要依据" not in page and "习得模型概率" not in page
    client.post("/logout")
    auth.login("trainer1", role="trainer", client=client)
    page = client.get(f"/scenarios/attempts/{started['id']}").get_data(as_text=True)
    assert "主要依据 “悄悄”、“回头”" in page and "习得模型概率 0.71，低于判定阈值" in page


def test_a_trainer_answers_the_review_and_the_score_follows(app, client, auth):
    import json
    import re

    def shown(page: str) -> float:
        return float(re.search(r'id="score">得分 <strong>([\d.]+)</strong>', page).group(1))

    from casebook.store.scenario_models import ScenarioAttempt
    auth.login(client=client)
    started = client.post("/api/scenarios/CASE-001/attempts").get_json()
    client.post(f"/api/scenario-attempts/{started['id']}/turns", json={"actions": ["delete_message", "warn_member"],
                                                                        "reply": "您好，群内禁止发布广告，消息已删除。"})
    client.post(f"/api/scenario-attempts/{started['id']}/turns", json={"actions": [], "reply": "感谢配合！"})
    with app.extensions["casebook.db"].session() as session:
        attempt = session.get(ScenarioAttempt, started["id"])
        report = json.loads(attempt.report_json)
        report["review"] = [{"step": "s1", "reason": "承诺了超出权限的赔偿、退款或免费服务", "evidence": "消息已删除",
                             "example": "这个钱我做主先退给您", "similarity": 0.92, "margin": 0.012, "rule": None}]
        attempt.report_json = json.dumps(report, ensure_ascii=False)
        auto = attempt.score
    url = f"/scenarios/attempts/{started['id']}/critical-review"
    assert client.post(url, data={"verdict": "critical", "comment": "x"}).status_code == 403   # agents cannot answer
    client.post("/logout")
    auth.login("trainer1", role="trainer", client=client)
    page = client.get(f"/scenarios/attempts/{started['id']}").get_data(as_text=True)
    assert 'id="critical-review-form"' in page
    refused = client.post(url, data={"verdict": "critical", "comment": "  "}, follow_redirects=True).get_data(as_text=True)
    assert "请写明理由" in refused and "待培训师复核" in refused                    # nothing stored without a reason
    done = client.post(url, data={"verdict": "critical", "comment": "私下承诺退款，越权"}, follow_redirects=True)
    text = done.get_data(as_text=True)
    assert "属于严重问题，本次记 0 分" in text and "私下承诺退款，越权" in text and f"原自动评分 {auto:g} 分" in text
    assert shown(text) == 0 and "认证判定（及格线 70 分）：<strong>未通过" in text
    assert "待复核</span>" not in client.get("/scenarios/history").get_data(as_text=True)  # out of the queue
    assert "没有待复核的练习" in client.get("/scenarios/history?review=1").get_data(as_text=True)
    back = client.post(url, data={"verdict": "not_critical"}, follow_redirects=True).get_data(as_text=True)
    assert "不属于严重问题" in back and shown(back) == auto
    with app.extensions["casebook.db"].session() as session:
        assert session.get(ScenarioAttempt, started["id"]).score == auto
    assert client.post(url, data={"verdict": "maybe"}, follow_redirects=True).status_code == 200
    none = client.post("/api/scenarios/CASE-001/attempts").get_json()   # an attempt with nothing to review
    assert client.post(f"/scenarios/attempts/{none['id']}/critical-review", data={"verdict": "not_critical"},
                       follow_redirects=True).status_code == 200
