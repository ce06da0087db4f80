"""Who may search what, and how often (issue 9): questions are hidden from anonymous users and
from agents with an open exam; only signed-in users feed the gap log; anonymous search and
similar-lookup are rate limited with Retry-After; anonymous queries are short."""
from __future__ import annotations

import pytest

from casebook.accounts import add_user
from tests.training_content import add_training_content


@pytest.fixture
def sweb(mini, tmp_path, embedding_cache):
    from casebook.search.index import build_index
    from casebook.web import create_app
    add_training_content(mini)
    app = create_app(root=mini, config={"TESTING": True, "WTF_CSRF_ENABLED": False,
                                         "DATABASE_URL": f"sqlite:///{tmp_path / 'w.db'}"})
    database = app.extensions["casebook.db"]
    build_index(mini, database, show_progress=False, cache_file=embedding_cache)
    add_user(database, "agent1", "password-1", "agent", "客服甲")
    yield app
    database.dispose()


def sign_in(app):
    client = app.test_client()
    assert client.post("/login", data={"username": "agent1", "password": "password-1"}).status_code == 302
    return client


def kinds_found(client, q="哪些做法正确 广告 处理步骤 配对"):
    response = client.get("/api/search", query_string={"q": q, "k": 20})
    assert response.status_code == 200, response.get_json()
    return {h["kind"] for h in response.get_json()["hits"]}


def test_questions_hidden_from_anonymous_users(sweb):
    anonymous = sweb.test_client()
    assert "question" not in kinds_found(anonymous)
    refused = anonymous.get("/api/search", query_string={"q": "广告", "kind": "question"})
    assert refused.status_code == 401 and refused.get_json()["message"]
    assert "question" in kinds_found(sign_in(sweb))


def test_questions_hidden_during_an_open_exam(sweb):
    client = sign_in(sweb)
    assert "question" in kinds_found(client)
    exam = client.post("/api/attempts", json={"kind": "exam"})
    assert exam.status_code == 201
    assert "question" not in kinds_found(client)
    refused = client.get("/api/search", query_string={"q": "广告", "kind": "question"})
    assert refused.status_code == 403 and "考试" in refused.get_json()["message"]
    page = client.get("/search", query_string={"q": "广告", "kind": "question"})
    assert page.status_code == 403 and "考试进行中" in page.get_data(as_text=True)
    assert "AAA-Q0" not in client.get("/search", query_string={"q": "哪些做法正确"}).get_data(as_text=True)
    client.post(f"/api/attempts/{exam.get_json()['id']}/submit")
    assert "question" in kinds_found(client)          # after the exam, the bank is searchable again


def test_gap_log_only_for_signed_in_users(sweb):
    from casebook.search import gaps
    database = sweb.extensions["casebook.db"]
    anonymous = sweb.test_client()
    for _ in range(3):
        anonymous.get("/api/search", query_string={"q": "明年的高考是哪天"})
        anonymous.get("/search", query_string={"q": "火星移民政策"})
    assert gaps.summary(database) == []
    sign_in(sweb).get("/api/search", query_string={"q": "明年的高考是哪天"})
    assert [r.query for r in gaps.summary(database)] == ["明年的高考是哪天"]


def test_anonymous_search_is_rate_limited_with_retry_after(sweb):
    sweb.config["SEARCH_RATE_LIMIT_ANON"] = "3 per minute"
    anonymous = sweb.test_client()
    statuses = [anonymous.get("/api/search", query_string={"q": "广告"}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = anonymous.get("/api/search", query_string={"q": "广告"})
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0 and limited.get_json()["message"]
    assert anonymous.get("/search", query_string={"q": "广告"}).status_code == 429
    assert sign_in(sweb).get("/api/search", query_string={"q": "广告"}).status_code == 200   # signed in: own limit


def test_similar_is_rate_limited_per_user(sweb):
    sweb.config["SIMILAR_RATE_LIMIT"] = "2 per minute"
    client = sign_in(sweb)
    statuses = [client.post("/api/similar", json={"message": "有人发广告"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_anonymous_queries_are_short(sweb):
    anonymous = sweb.test_client()
    long = anonymous.get("/api/search", query_string={"q": "广告" * 150})
    assert long.status_code == 400 and "登录" in long.get_json()["message"]
    assert sign_in(sweb).get("/api/search", query_string={"q": "广告" * 150}).status_code == 200
