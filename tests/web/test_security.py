"""Security and integrity of the web layer (issue 9): sign-in limits by account and IP with
Retry-After (successful sign-ins do not count), the request-body limit, 4xx instead of 500 for
huge integers and lone surrogates, CSV formula neutralising, security headers, disk-full saves."""
from __future__ import annotations

import pytest

from casebook.accounts import add_user


@pytest.fixture
def sec(mini, tmp_path):
    from casebook.web import create_app
    from tests.training_content import add_training_content
    add_training_content(mini)
    app = create_app(root=mini, config={"TESTING": True, "WTF_CSRF_ENABLED": False,
                                         "DATABASE_URL": f"sqlite:///{tmp_path / 's.db'}"})
    add_user(app.extensions["casebook.db"], "agent1", "password-1", "agent", "客服甲")
    add_user(app.extensions["casebook.db"], "coach", "password-t", "trainer", "培训师")
    yield app
    app.extensions["casebook.db"].dispose()


def login(client, username, password, ip="10.0.0.1"):
    return client.post("/login", data={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": ip})


def test_failed_sign_ins_are_limited_per_account_across_addresses(sec):
    client = sec.test_client()
    statuses = [login(client, "agent1", "wrong-password", ip=f"10.0.1.{i}").status_code for i in range(6)]
    assert statuses == [401] * 5 + [429]
    limited = login(client, "agent1", "password-1", ip="10.0.2.1")     # even the right password, from elsewhere
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    assert "太频繁" in limited.get_data(as_text=True)
    assert login(client, "coach", "password-t", ip="10.0.2.1").status_code == 302   # other accounts unaffected


def test_failed_sign_ins_are_limited_per_address(sec):
    client = sec.test_client()
    statuses = [login(client, f"nobody{i}", "wrong-password", ip="10.0.3.1").status_code for i in range(11)]
    assert statuses[:10] == [401] * 10 and statuses[10] == 429
    assert login(client, "agent1", "password-1", ip="10.0.3.2").status_code == 302


def test_successful_sign_ins_do_not_count(sec):
    client = sec.test_client()
    assert all(login(client, "agent1", "password-1").status_code == 302 for _ in range(15))


def test_request_body_size_is_limited(sec):
    client = sec.test_client()
    login(client, "agent1", "password-1")
    body = b'{"kind": "practice", "pad": "' + b"x" * (sec.config["MAX_CONTENT_LENGTH"] + 10) + b'"}'
    response = client.post("/api/attempts", data=body, content_type="application/json")
    assert response.status_code == 413 and response.get_json()["message"]


# ------------------------------------------------------------------ 500 -> 4xx (both stores)

from tests.stores import postgres_server, store_url  # noqa: E402,F401 - fixtures

HUGE_IDS = [2**31, 2**63, 2**64 + 5, 10**30]


@pytest.fixture
def both(mini, store_url):
    from casebook.web import create_app
    from tests.training_content import add_training_content
    add_training_content(mini)
    app = create_app(root=mini, config={"TESTING": True, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                                         "DATABASE_URL": store_url})
    add_user(app.extensions["casebook.db"], "coach", "password-t", "trainer", "培训师")
    client = app.test_client()
    assert login(client, "coach", "password-t").status_code == 302
    yield app, client
    app.extensions["casebook.db"].dispose()


@pytest.mark.parametrize("number", HUGE_IDS)
def test_huge_integer_ids_are_404_not_500(both, number):
    _, client = both
    calls = [("get", f"/api/attempts/{number}"), ("put", f"/api/attempts/{number}/answers/AAA-Q01"),
             ("post", f"/api/attempts/{number}/submit"), ("get", f"/api/scenario-attempts/{number}"),
             ("post", f"/api/scenario-attempts/{number}/turns"), ("post", f"/api/scenario-attempts/{number}/grades"),
             ("get", f"/training/attempts/{number}"), ("post", f"/training/attempts/{number}/submit"),
             ("post", f"/training/attempts/{number}/answers/AAA-Q01"), ("get", f"/scenarios/attempts/{number}"),
             ("post", f"/scenarios/attempts/{number}/answer"), ("post", f"/scenarios/attempts/{number}/grade")]
    for method, url in calls:
        response = getattr(client, method)(url, json={"response": {"choice": "x"}, "grades": []})
        assert response.status_code == 404, (method, url, response.status_code)
    listed = client.get("/api/attempts", query_string={"user_id": number})
    assert listed.status_code in (400, 422), listed.status_code


def test_lone_surrogates_in_json_are_400_not_500(both):
    _, client = both
    attempt = client.post("/api/attempts", json={"kind": "practice", "chapter": "AAA", "count": 6}).get_json()
    body = '{"response": {"text": "\\ud800 半个字符"}}'
    r = client.put(f"/api/attempts/{attempt['id']}/answers/AAA-Q06", data=body, content_type="application/json")
    assert r.status_code == 400 and "surrogate" in r.get_json()["message"]
    key = '{"kind": "practice", "\\udc00": 1}'
    r = client.post("/api/attempts", data=key, content_type="application/json")
    assert r.status_code == 400 and r.get_json()["message"]
    started = client.post("/api/scenarios/CASE-001/attempts").get_json()
    r = client.post(f"/api/scenario-attempts/{started['id']}/turns", data='{"reply": "\\udfff"}',
                    content_type="application/json")
    assert r.status_code == 400
    r = client.post("/api/account/password", data='{"current_password": "\\ud800", "new_password": "x"}',
                    content_type="application/json")
    assert r.status_code == 400


def test_an_error_message_that_echoes_bad_text_is_still_json():
    from casebook.web.inputs import StrictJSONProvider
    from flask import Flask
    text = StrictJSONProvider(Flask(__name__)).dumps({"message": "bad \ud800"})
    text.encode("utf-8")                          # escaped, so the response can be written
    assert "\\ud800" in text


# ------------------------------------------------------------------ CSV, headers, disk full

def test_csv_exports_neutralise_formulas(sec):
    from sqlalchemy import update

    from casebook.store.models import User
    db = sec.extensions["casebook.db"]
    agent = sec.test_client()
    login(agent, "agent1", "password-1")
    exam = agent.post("/api/attempts", json={"kind": "exam"}).get_json()
    from tests.web.test_training import RIGHT, answer_all
    answer_all(agent, exam, RIGHT)
    assert agent.post(f"/api/attempts/{exam['id']}/submit").get_json()["passed"]
    evil = '=HYPERLINK("http://evil.example","点我")'
    with db.session() as s:
        s.execute(update(User).where(User.username == "agent1").values(display_name=evil))
    coach = sec.test_client()
    login(coach, "coach", "password-t")
    for url in ("/api/certificates.csv", "/training/trainer/certificates.csv"):
        text = coach.get(url).get_data(as_text=True)
        assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text and '"=HYPERLINK' not in text
    from casebook.quiz.stats import safe_cell
    for bad in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", " =1", "＝1"):
        assert safe_cell(bad).startswith("'"), bad
    assert safe_cell("客服甲") == "客服甲" and safe_cell(-0.25) == -0.25


def test_security_headers_on_every_response(sec):
    client = sec.test_client()
    for url in ("/", "/login", "/api/openapi.json", "/no-such-page", "/api/no-such-thing"):
        response = client.get(url)
        csp = response.headers["Content-Security-Policy"]
        script_src = next(p for p in csp.split(";") if p.strip().startswith("script-src"))
        assert "'unsafe-inline'" not in script_src and "frame-ancestors 'none'" in csp, url
        assert response.headers["X-Frame-Options"] == "DENY" and response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in response.headers        # plain HTTP
    https = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert https.headers["Strict-Transport-Security"].startswith("max-age=")


def test_docs_pages_allow_exactly_their_own_inline_scripts(sec, mini):
    import re

    from casebook.site.build import build_site
    from casebook.web.headers import inline_script_hashes
    build_site(mini)
    response = sec.test_client().get("/docs/")
    html = response.get_data()
    hashes = inline_script_hashes(html)
    csp = response.headers["Content-Security-Policy"]
    assert all(h in csp for h in hashes) and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert not re.search(r"https?://", csp)                           # nothing from another host


def test_disk_full_on_save_says_so(sec):
    from sqlalchemy import event, text
    db = sec.extensions["casebook.db"]
    agent = sec.test_client()
    login(agent, "agent1", "password-1")
    attempt = agent.post("/api/attempts", json={"kind": "practice", "chapter": "AAA", "count": 6}).get_json()
    item = next(i for i in attempt["items"] if i["question_id"] == "AAA-Q06")
    with db.engine.connect() as c:
        pages = c.execute(text("PRAGMA page_count")).scalar()

    def full(dbapi_connection, _record):              # the disk has no room for one more page
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")
    event.listen(db.engine, "connect", full)
    db.engine.dispose()
    big = {"response": {"text": "长答案。" * 499}}
    for _ in range(3):                                # fill what room is left
        r = agent.put(f"/api/attempts/{attempt['id']}/answers/{item['question_id']}", json=big)
        if r.status_code != 200:
            break
    assert r.status_code == 507 and r.get_json()["message"].startswith("磁盘已满，答案未保存")
    page = agent.post(f"/training/attempts/{attempt['id']}/answers/AAA-Q06", data={"text": "长答案。" * 499})
    assert page.status_code == 507 and "磁盘已满，答案未保存" in page.get_data(as_text=True)
    event.remove(db.engine, "connect", full)


def test_api_docs_load_nothing_from_another_host(sec):
    import re
    client = sec.test_client()
    page = client.get("/api/docs")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and not re.search(r'(?:src|href)="https?://', html)
    for url in re.findall(r'(?:src|href)="(/api/docs-assets/[^"]+)"', html):
        assert client.get(url).status_code == 200, url
    assert client.get("/api/docs-assets/index.html").status_code == 404
