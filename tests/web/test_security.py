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
