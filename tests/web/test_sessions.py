"""Sessions end on the server: sign-out, password change and reset, deactivation, role change and
"sign out everywhere" make every copy of the cookie useless; idle and absolute timeouts; the
self-service password change with a strength check; the strict `next` check after sign-in.
Storage is involved (the per-user session version), so these run on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest

from casebook import accounts
from casebook.accounts import add_user
from tests.stores import postgres_server, store_url  # noqa: F401 - fixtures

STRONG = "蓝色-Kp7vLq2-mXz-海豚"


@pytest.fixture
def sapp(mini, store_url):
    from casebook.web import create_app
    app = create_app(root=mini, config={"TESTING": True, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                                         "DATABASE_URL": store_url})
    db = app.extensions["casebook.db"]
    add_user(db, "agent1", "password-1", "agent", "客服甲")
    add_user(db, "boss", "password-a", "admin", "管理员")
    yield app
    db.dispose()


def sign_in(app, username, password):
    client = app.test_client()
    assert client.post("/login", data={"username": username, "password": password}).status_code == 302
    return client


def copy_of(app, client):
    """Another browser holding a copy of the client's session cookie."""
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    return other


def signed_in(client) -> bool:
    return client.get("/api/me").status_code == 200


def test_sign_out_ends_copied_sessions(sapp):
    client = sign_in(sapp, "agent1", "password-1")
    stolen = copy_of(sapp, client)
    assert signed_in(stolen)
    client.post("/logout")
    assert not signed_in(stolen) and not signed_in(client)
    assert sign_in(sapp, "agent1", "password-1")          # signing in again works


@pytest.mark.parametrize("change", ["reset", "deactivate", "role", "everywhere"])
def test_account_changes_end_sessions(sapp, change):
    client = sign_in(sapp, "agent1", "password-1")
    stolen = copy_of(sapp, client)
    db = sapp.extensions["casebook.db"]
    if change == "reset":
        boss = sign_in(sapp, "boss", "password-a")
        assert boss.post("/admin/users/agent1/password", data={"password": "a-new-password"}).status_code == 302
    elif change == "deactivate":
        accounts.set_active(db, "agent1", False)
        accounts.set_active(db, "agent1", True)           # even once active again, the old cookie is dead
    elif change == "role":
        accounts.set_role(db, "agent1", "trainer")
    else:
        assert client.post("/api/account/logout-everywhere").status_code == 200
    assert not signed_in(stolen) and not signed_in(client)


def test_cli_password_reset_ends_sessions(sapp):
    client = sign_in(sapp, "agent1", "password-1")
    accounts.set_password(sapp.extensions["casebook.db"], "agent1", "another-password")
    assert not signed_in(client)


def test_idle_and_absolute_timeouts(sapp, monkeypatch):
    import time
    client = sign_in(sapp, "agent1", "password-1")
    start = time.time()
    monkeypatch.setattr(time, "time", lambda: start + 30 * 60)
    assert signed_in(client)                                   # 30 minutes idle is fine
    monkeypatch.setattr(time, "time", lambda: start + 30 * 60 + sapp.config["SESSION_IDLE_MINUTES"] * 60 + 5)
    assert not signed_in(client)                               # idle too long
    client = sign_in(sapp, "agent1", "password-1")
    start = time.time()
    step = sapp.config["SESSION_IDLE_MINUTES"] * 60 // 2
    for n in range(1, sapp.config["SESSION_ABSOLUTE_MINUTES"] * 60 // step + 2):   # active all along
        monkeypatch.setattr(time, "time", lambda n=n: start + n * step)
        if not signed_in(client):
            break
    assert n * step > sapp.config["SESSION_ABSOLUTE_MINUTES"] * 60   # ended by the absolute limit, not before


def test_self_service_password_change(sapp):
    client = sign_in(sapp, "agent1", "password-1")
    other_device = sign_in(sapp, "agent1", "password-1")
    assert "修改密码" in client.get("/account/").get_data(as_text=True)
    wrong = client.post("/api/account/password", json={"current_password": "nope-nope", "new_password": STRONG})
    assert wrong.status_code == 403 and "当前密码" in wrong.get_json()["message"]
    for weak in ("password123", "agent1-agent1!", "qwertyuiop", "short"):
        r = client.post("/api/account/password", json={"current_password": "password-1", "new_password": weak})
        assert r.status_code == 400 and r.get_json()["message"], weak
    ok = client.post("/api/account/password", json={"current_password": "password-1", "new_password": STRONG})
    assert ok.status_code == 200
    assert signed_in(client) and not signed_in(other_device)    # this browser stays, the others end
    assert accounts.authenticate(sapp.extensions["casebook.db"], "agent1", STRONG) is not None
    page = client.post("/account/password", data={"current_password": STRONG, "new_password": "abc",
                                                  "confirm_password": "abc"})
    assert page.status_code == 400 and "至少" in page.get_data(as_text=True)
    mismatch = client.post("/account/password", data={"current_password": STRONG, "new_password": STRONG + "x",
                                                      "confirm_password": STRONG + "y"})
    assert mismatch.status_code == 400 and "不一致" in mismatch.get_data(as_text=True)


def test_logout_everywhere_page(sapp):
    client = sign_in(sapp, "agent1", "password-1")
    other = sign_in(sapp, "agent1", "password-1")
    assert "退出所有设备" in client.get("/account/").get_data(as_text=True)
    assert client.post("/account/logout-everywhere").status_code == 302
    assert not signed_in(client) and not signed_in(other)


@pytest.mark.parametrize("target", [
    "/%09/evil.example", "/\t/evil.example", "//evil.example", "/\\evil.example", "\\\\evil.example",
    "https://evil.example/", "javascript:alert(1)", "/%2F/evil.example", "/%5Cevil.example", "/\r\n/evil.example",
    "evil.example", "/ok/\x00", "%2F%2Fevil.example"])
def test_next_after_sign_in_stays_on_site(sapp, target):
    client = sapp.test_client()
    r = client.post("/login", query_string={"next": target}, data={"username": "agent1", "password": "password-1"})
    assert r.status_code == 302 and r.headers["Location"] == "/", (target, r.headers["Location"])


def test_next_after_sign_in_keeps_site_paths(sapp):
    r = sapp.test_client().post("/login", query_string={"next": "/training/?chapter=AAA"},
                                data={"username": "agent1", "password": "password-1"})
    assert r.headers["Location"] == "/training/?chapter=AAA"
