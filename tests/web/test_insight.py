"""Trainer dashboard, scenario statistics and training-record exports: figures from the seeded
cohort (tests/insight_data.py; expected values worked out by hand in the comments), roles, labels."""
from __future__ import annotations

import csv
import io
import json
import re

import pytest

from tests.insight_data import PASSWORD, seeded_app


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    yield from seeded_app(tmp_path_factory.mktemp("insight"))


def client_for(app, username):
    client = app.test_client()
    assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
    return client


def rows(response):
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_dashboard_has_every_chart_with_its_table_and_csv(seeded):
    app, _ids = seeded
    page = client_for(app, "coach").get("/training/trainer").get_data(as_text=True)
    for chart in ("progress", "mastery", "scores", "items", "criteria", "agreement"):
        block = page.split(f'id="chart-{chart}"')[1].split("</section>")[0]
        options = json.loads(re.search(r"data-chart='([^']*)'", block).group(1).replace("&#39;", "'"))
        assert options["series"], chart
        assert f"/training/trainer/charts/{chart}.csv" in block and "<details" in block and "<table>" in block
    assert page.count('<script src="/static/') == 2 and "<script>" not in page      # vendored ECharts + charts.js only
    assert "//cdn" not in page and "https://" not in page
    # names, not usernames; Chinese question types
    assert "客服甲" in page and "客服乙" in page and ">agent1<" not in page
    assert "配对题" in page and "简答题" in page and ">matching<" not in page and ">short_answer<" not in page
    # 4 answers per question are fewer than 20: no negative-discrimination warning yet
    assert "负区分度，请检查题目" not in page and "作答不足 20 次" in page
    # the progress table scrolls inside its own box
    assert 'class="table-wrap progress-wrap"' in page


def test_chart_csvs(seeded):
    app, _ids = seeded
    coach = client_for(app, "coach")
    # day 1 (Shanghai time): agent1 5 of 6 right (83.33 %), agent2 only a third of the matching
    # question (5.56 %) → 44.4; scenarios 90 and 40 → 65.0; two agents active, none certified.
    # day 2: agent1 4 of 6 (66.67 %), agent3 2⅓ of 6 (38.89 %) → 52.8; scenarios 75 and 60 → 67.5; three active.
    assert rows(coach.get("/training/trainer/charts/progress.csv")) == [
        ["日期", "提交测验数", "测验平均分", "完成情景演练数", "情景演练平均分", "累计认证人数", "累计参与人数"],
        ["2026-11-02", "2", "44.4", "2", "65.0", "0", "2"],
        ["2026-11-03", "2", "52.8", "2", "67.5", "0", "3"]]
    # the trainer disagreed with 1 of 5 criteria on two attempts of day 1: 8 of 10 agree;
    # auto pass/fail 7/3, trainer 7/3 → expected agreement 0.58, kappa (0.8 − 0.58)/0.42 = 0.524; day 2 all agree
    assert rows(coach.get("/training/trainer/charts/agreement.csv")) == [
        ["日期", "人工评分项数", "一致率 %", "Cohen's kappa"], ["2026-11-02", "10", "80.0", "0.524"],
        ["2026-11-03", "10", "100.0", "1.0"]]
    criteria = {r[0]: r for r in rows(coach.get("/training/trainer/charts/criteria.csv"))[1:]}
    # key points: s1 passed 2 of 4, s2 3 of 3, s2_complaint 0 of 1 → 5 of 8
    assert criteria["要点传达"] == ["要点传达", "8", "5", "62.5"]
    assert "key_points" not in criteria and "avoid" not in criteria and "禁用语" in criteria
    scores = rows(coach.get("/training/trainer/charts/scores.csv"))
    assert scores[0] == ["分数段", "练习", "认证考试", "情景演练"]
    assert scores[1] == ["0–10", "1", "0", "0"] and scores[9] == ["80–90", "1", "0", "0"] and scores[10] == ["90–100", "0", "0", "1"]
    mastery = rows(coach.get("/training/trainer/charts/mastery.csv"))
    assert mastery[0] == ["客服", "AAA"] and ["客服甲", "75.0"] in mastery     # (5 + 4) of 12 answers → 75 %
    assert coach.get("/training/trainer/charts/nothing.csv").status_code == 404


def test_scenario_statistics_page_and_csv(seeded):
    app, _ids = seeded
    coach = client_for(app, "coach")
    overview = coach.get("/scenarios/statistics").get_data(as_text=True)
    assert "/scenarios/statistics/CASE-001" in overview and "66.2" in overview   # (90+75+40+60)/4 = 66.25
    page = coach.get("/scenarios/statistics/CASE-001").get_data(as_text=True)
    assert "第 1 步" in page and "第 2 步 3 次（75.0%）" in page and "第 3 步 1 次（25.0%）" in page
    assert "要点传达" in page and "执行 撤回消息" in page and "key_points" not in page and "delete_message" not in page
    table = {(r[0], r[2]): r for r in rows(coach.get("/scenarios/statistics/CASE-001.csv"))[1:]}
    # s1 key point: passed by the 90 and 75 attempts, failed by 40 and 60: x = (.5,.5,−.5,−.5),
    # y − 66.25 = (23.75, 8.75, −26.25, −6.25): sxy = 32.5, sxx = 1, syy = 1368.75 → r = 0.8785
    kp = table[("s1", "key_points")]
    assert kp[4:12] == ["说明群内禁止广告", "4", "2", "50.0", "87.85", "40.0", "10.0", ""]
    assert table[("s1", "required_actions")][4] == "执行 撤回消息"
    assert coach.get("/scenarios/statistics/CASE-999").status_code == 404


def test_only_trainers_see_statistics(seeded):
    app, _ids = seeded
    agent = client_for(app, "agent1")
    for url in ("/training/trainer", "/training/trainer/charts/progress.csv", "/scenarios/statistics",
                "/scenarios/statistics/CASE-001", "/scenarios/statistics/CASE-001.csv", "/api/stats/dashboard",
                "/api/stats/scenarios/CASE-001"):
        assert agent.get(url).status_code == 403, url
    assert app.test_client().get("/api/stats/dashboard").status_code == 401
    data = client_for(app, "coach").get("/api/stats/dashboard").get_json()
    assert [c["id"] for c in data["charts"]] == ["progress", "mastery", "scores", "items", "criteria", "agreement"]
    assert data["min_responses"] == 20
    stats = client_for(app, "coach").get("/api/stats/scenarios/CASE-001").get_json()
    assert stats["attempts"] == 4 and stats["steps"][0]["branches"][0] == {"next": "s2", "count": 3, "share": 75.0, "number": 2}


def test_training_record_exports_and_roles(seeded):
    app, ids = seeded
    agent = client_for(app, "agent1")
    mine = rows(agent.get(f"/training/records/{ids['agent1']}.csv"))
    assert mine[0][:3] == ["username", "display_name", "record"]
    kinds = [r[2] for r in mine[1:]]
    assert kinds.count("练习") == 2 and kinds.count("情景演练") == 2 and kinds.count("练习·作答") == 10
    assert kinds.count("情景演练·评分项") == 10 and kinds.count("情景演练·作答") == 4
    assert any(r[6] == "配对题" for r in mine)
    assert agent.get(f"/training/records/{ids['agent2']}.csv").status_code == 403
    assert agent.get(f"/api/records/{ids['agent2']}/xapi").status_code == 403
    assert agent.get(f"/api/records/{ids['agent1']}/xapi").status_code == 200
    assert len(json.loads(agent.get(f"/training/records/{ids['agent1']}/xapi.json").get_data())) > 10
    coach = client_for(app, "coach")
    assert coach.get(f"/api/records/{ids['agent2']}.csv").status_code == 200
    statements = coach.get(f"/api/records/{ids['agent2']}/xapi").get_json()["statements"]
    assert statements[0]["actor"]["account"] == {"homePage": "http://localhost", "name": "agent2"}
    assert coach.get("/api/records/999999/xapi").status_code == 404
    assert app.test_client().get(f"/api/records/{ids['agent1']}/xapi").status_code == 401
    index = agent.get("/training/").get_data(as_text=True)
    assert f"/training/records/{ids['agent1']}.csv" in index and f"/training/records/{ids['agent1']}/xapi.json" in index


def test_calibration_and_attempt_pages_use_chinese_labels(seeded):
    app, _ids = seeded
    coach = client_for(app, "coach")
    calibration = coach.get("/scenarios/calibration").get_data(as_text=True)
    assert "禁用语" in calibration and "要点传达" in calibration
    assert ">avoid<" not in calibration and ">forbidden_actions<" not in calibration


def test_the_minimum_number_of_responses_is_a_setting(seeded):
    app, _ids = seeded
    coach = client_for(app, "coach")
    # s1's "no forbidden words": passed by the 90, 40 and 60 attempts, failed by the 75 one:
    # x − .75 = (.25, −.75, .25, .25), y − 66.25 = (23.75, 8.75, −26.25, −6.25) → sxy = −8.75 < 0
    assert "⚠ 负区分度" not in coach.get("/scenarios/statistics/CASE-001").get_data(as_text=True)
    app.config["STATS_MIN_RESPONSES"] = 4
    try:
        page = coach.get("/scenarios/statistics/CASE-001").get_data(as_text=True)
        assert "⚠ 负区分度" in page and "⚠ 从未失分" in page      # 执行 撤回消息: 4 of 4
        assert coach.get("/api/stats/dashboard").get_json()["min_responses"] == 4
    finally:
        app.config["STATS_MIN_RESPONSES"] = 20


def test_calibration_page_has_the_agreement_chart(seeded):
    app, _ids = seeded
    page = client_for(app, "coach").get("/scenarios/calibration").get_data(as_text=True)
    assert 'id="chart-agreement"' in page and "data-chart='" in page and "/static/charts.js" in page
