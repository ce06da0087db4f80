"""What every page shares: the header with the user's areas, Chinese error pages and JSON error
codes, local time, the API docs served from the app, the action labels."""
from __future__ import annotations

import datetime as dt

import pytest

from casebook.content.schema import ACTION_LABELS, ACTIONS, action_label



def nav(html: str) -> str:
    return html.split('<nav class="areas"')[1].split("</nav>")[0]


def test_header_lists_the_areas_the_user_may_use(app, client, auth):
    auth.login(client=client)
    header = nav(client.get("/training/").get_data(as_text=True))
    for label in ("规则手册", "培训与测验", "情景演练", "搜索", "相似案例"):
        assert label in header
    assert "培训师视图" not in header and "账号管理" not in header
    assert 'class="current" aria-current="page">培训与测验' in header
    assert header.count('aria-current="page"') == 1
    assert 'aria-current="page">情景演练' in nav(client.get("/scenarios").get_data(as_text=True))
    client.post("/logout")
    auth.login("boss", role="admin", client=client)
    header = nav(client.get("/training/trainer").get_data(as_text=True))
    assert "培训师视图" in header and "账号管理" in header
    assert 'aria-current="page">培训师视图' in header and header.count('aria-current="page"') == 1


@pytest.mark.parametrize("path,status,text", [("/no-such-page", 404, "页面不存在"), ("/scenarios/CASE-999", 404, "没有这个练习场景"),
                                              ("/training/trainer", 403, "只有培训师可以查看")])
def test_error_pages_are_chinese(app, client, path, status, text, auth):
    auth.login(client=client)
    response = client.get(path)
    page = response.get_data(as_text=True)
    assert response.status_code == status and text in page and "Not Found" not in page and '<nav class="areas"' in page


def test_method_not_allowed_page_and_json(client):
    page = client.post("/")
    assert page.status_code == 405 and "不支持的请求方法" in page.get_data(as_text=True)
    api = client.delete("/api/csrf-token")
    assert api.status_code == 405 and api.get_json()["code"] == "method_not_allowed"
    assert "不" in api.get_json()["message"]


def test_api_errors_keep_a_machine_readable_code(app, client, auth):
    missing = client.get("/api/does-not-exist")
    assert missing.status_code == 404 and missing.get_json()["code"] == "not_found"
    assert client.get("/api/me").get_json()["code"] == "unauthorized"
    auth.login(client=client)
    bad = client.post("/api/attempts", json={"kind": "nonsense"})
    body = bad.get_json()
    assert bad.status_code in (400, 422) and body["code"] == "validation_error" and body["detail"]
    assert body["message"] == "提交的内容没有通过校验，请按提示修改。"
    conflict = client.post("/api/attempts", json={"kind": "practice", "chapter": "ZZZ"})
    assert conflict.status_code == 400 and conflict.get_json()["code"] == "bad_chapter"


def test_local_time_filter(app):
    from casebook.web.localtime import configured_zone, to_local
    with app.app_context():
        assert to_local(dt.datetime(2026, 1, 1, 16, 30)) == "2026-01-02 00:30"      # UTC+8
        assert to_local("2026-01-01T16:30:00Z") == "2026-01-02 00:30"
        assert to_local(None) == ""
    with pytest.raises(ValueError, match="CASEBOOK_TIMEZONE"):
        configured_zone("Mars/Olympus")


def test_timezone_setting(mini, tmp_path):
    from casebook.web import create_app
    from casebook.web.localtime import to_local
    app = create_app(root=mini, config={"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'z.db'}",
                                        "CASEBOOK_TIMEZONE": "Europe/London"})
    with app.app_context():
        assert to_local(dt.datetime(2026, 7, 1, 12, 0)) == "2026-07-01 13:00"
    app.extensions["casebook.db"].dispose()


def test_api_docs_are_served_by_the_app(client):
    page = client.get("/api/docs").get_data(as_text=True)
    assert "swagger-ui" in page and "http" not in page.split("<body")[1].replace('href="/api/openapi.json"', "")
    assert client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200
    assert client.get("/static/apidocs.js").status_code == 200


def test_every_action_has_a_chinese_label():
    assert set(ACTION_LABELS) == set(ACTIONS)
    assert action_label("escalate:售后组") == "升级给售后组" and action_label("delete_message") == "撤回消息"
    assert action_label("classify:售后退款") == "分类为「售后退款」"


def test_content_changes_are_served_without_a_restart(app, client, mini, auth):
    auth.login(client=client)
    assert client.get("/scenarios/CASE-002").status_code == 404
    source = (mini / "cases" / "001-sample.yml").read_text(encoding="utf-8")
    (mini / "cases" / "002-second.yml").write_text(source.replace("CASE-001", "CASE-002"), encoding="utf-8")
    assert client.get("/scenarios/CASE-002").status_code == 200          # a new case: served at once
    quiz = mini / "quiz" / "aaa.yml"
    quiz.write_text(quiz.read_text(encoding="utf-8").replace("第一条说什么？", "第一条规定了什么？"), encoding="utf-8")
    started = client.post("/api/attempts", json={"kind": "practice", "chapter": "AAA", "count": 6}).get_json()
    prompts = [item["question"]["prompt"] for item in started["items"]]
    assert "第一条规定了什么？" in prompts and "第一条说什么？" not in prompts
