"""Account management (issue 5): only admins manage accounts — pages under /admin/users, API under /api/users."""
from __future__ import annotations

import pytest

from casebook.accounts import AccountError, SelfLockout, add_user, authenticate, get_user, set_active, set_role

PASSWORDS = {"boss": "password-a", "agent1": "password-1", "coach": "password-t"}


@pytest.fixture
def db(app):
    database = app.extensions["casebook.db"]
    add_user(database, "boss", PASSWORDS["boss"], "admin", "管理员")
    add_user(database, "agent1", PASSWORDS["agent1"], "agent", "客服甲")
    add_user(database, "coach", PASSWORDS["coach"], "trainer", "培训师")
    return database


def sign_in(app, username, password=None):
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": password or PASSWORDS[username]})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


@pytest.fixture
def admin(app, db):
    return sign_in(app, "boss")


def text(response) -> str:
    return response.get_data(as_text=True)


# ------------------------------------------------------------------ pages

def test_admin_lists_users(admin):
    response = admin.get("/admin/users")
    body = text(response)
    assert response.status_code == 200
    for expected in ("boss", "agent1", "客服甲", "coach", "培训师", "已启用", "添加账号"):
        assert expected in body
    assert 'href="/admin/users"' in text(admin.get("/"))          # nav link for admins


def test_admin_adds_user_who_can_sign_in(app, admin, db):
    response = admin.post("/admin/users", data={"username": "newbie", "display_name": "新人", "role": "trainer",
                                                "password": "newbie-pass"})
    assert response.status_code == 302
    assert "已添加账号 newbie" in text(admin.get("/admin/users"))
    user = get_user(db, "newbie")
    assert user.role == "trainer" and user.display_name == "新人" and user.active
    sign_in(app, "newbie", "newbie-pass")


def test_admin_changes_role(admin, db):
    assert admin.post("/admin/users/agent1/role", data={"role": "trainer"}).status_code == 302
    assert get_user(db, "agent1").role == "trainer"
    assert "角色已改为培训师" in text(admin.get("/admin/users"))


def test_admin_resets_password(app, admin, db):
    assert admin.post("/admin/users/agent1/password", data={"password": "brand-new-pw"}).status_code == 302
    assert authenticate(db, "agent1", PASSWORDS["agent1"]) is None
    sign_in(app, "agent1", "brand-new-pw")


def test_admin_deactivates_and_reactivates(app, admin, db):
    assert admin.post("/admin/users/agent1/active", data={"active": "0"}).status_code == 302
    assert not get_user(db, "agent1").active
    refused = app.test_client().post("/login", data={"username": "agent1", "password": PASSWORDS["agent1"]})
    assert refused.status_code == 401
    assert "已停用" in text(admin.get("/admin/users"))
    assert admin.post("/admin/users/agent1/active", data={"active": "1"}).status_code == 302
    sign_in(app, "agent1")


def test_page_self_lockout_refused(admin, db):
    response = admin.post("/admin/users/boss/active", data={"active": "0"})
    assert response.status_code == 409 and "不能停用自己的账号" in text(response)
    response = admin.post("/admin/users/boss/role", data={"role": "agent"})
    assert response.status_code == 409 and "不能取消自己的管理员角色" in text(response)
    boss = get_user(db, "boss")
    assert boss.active and boss.role == "admin"
    assert admin.post("/admin/users/boss/password", data={"password": "still-boss-1"}).status_code == 302


@pytest.mark.parametrize("data, reason", [
    ({"username": "x", "password": "password-x", "role": "agent"}, "用户名为"),
    ({"username": "bad name", "password": "password-x", "role": "agent"}, "用户名为"),
    ({"username": "ok-name", "password": "short", "role": "agent"}, "密码需要"),
    ({"username": "ok-name", "password": "password-x", "role": "root"}, "角色只能是"),
    ({"username": "ok-name", "password": "password-x", "role": "agent", "display_name": "长" * 101}, "显示名最多"),
    ({"username": "agent1", "password": "password-x", "role": "agent"}, "用户名已存在"),
])
def test_page_bad_input_flashes_reason(admin, db, data, reason):
    response = admin.post("/admin/users", data=data)
    assert 400 <= response.status_code < 500 and reason in text(response)


def test_page_bad_changes_flash_reason(admin, db):
    response = admin.post("/admin/users/agent1/password", data={"password": "short"})
    assert response.status_code == 400 and "密码需要" in text(response)
    response = admin.post("/admin/users/agent1/role", data={"role": "root"})
    assert response.status_code == 400 and "角色只能是" in text(response)
    response = admin.post("/admin/users/agent1/active", data={"active": "maybe"})
    assert response.status_code == 400 and "无效的状态" in text(response)
    assert admin.post("/admin/users/nobody/role", data={"role": "agent"}).status_code == 404
    assert get_user(db, "agent1").role == "agent" and get_user(db, "agent1").active


@pytest.mark.parametrize("who", ["agent1", "coach"])
def test_pages_forbidden_for_non_admins(app, db, who):
    client = sign_in(app, who)
    assert client.get("/admin/users").status_code == 403
    assert client.post("/admin/users", data={"username": "sneaky", "password": "password-s", "role": "admin"}).status_code == 403
    assert client.post(f"/admin/users/{who}/role", data={"role": "admin"}).status_code == 403
    assert client.post("/admin/users/boss/active", data={"active": "0"}).status_code == 403
    assert client.post("/admin/users/boss/password", data={"password": "hijacked-1"}).status_code == 403
    assert get_user(db, who).role != "admin" and get_user(db, "sneaky") is None and get_user(db, "boss").active
    assert "/admin/users" not in text(client.get("/"))              # no nav link


def test_pages_anonymous_redirected_to_sign_in(client, db):
    response = client.get("/admin/users")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    response = client.post("/admin/users/boss/active", data={"active": "0"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# ------------------------------------------------------------------ API

def test_api_list_add_patch(app, admin, db):
    listed = admin.get("/api/users")
    assert listed.status_code == 200
    rows = {u["username"]: u for u in listed.get_json()}
    assert rows["agent1"]["role"] == "agent" and rows["agent1"]["active"] is True
    assert rows["agent1"]["display_name"] == "客服甲" and rows["agent1"]["created_at"].endswith("Z")
    assert "password_hash" not in rows["agent1"]

    created = admin.post("/api/users", json={"username": "api-user", "password": "api-pass-1", "role": "trainer",
                                             "display_name": "接口用户"})
    assert created.status_code == 201 and created.get_json()["role"] == "trainer"
    sign_in(app, "api-user", "api-pass-1")

    changed = admin.patch("/api/users/api-user", json={"role": "agent", "display_name": "改名", "password": "other-pass-1"})
    assert changed.status_code == 200
    assert changed.get_json()["role"] == "agent" and changed.get_json()["display_name"] == "改名"
    sign_in(app, "api-user", "other-pass-1")

    off = admin.patch("/api/users/api-user", json={"active": False})
    assert off.status_code == 200 and off.get_json()["active"] is False
    assert app.test_client().post("/login", data={"username": "api-user", "password": "other-pass-1"}).status_code == 401


def test_api_self_lockout_refused(admin, db):
    for body in ({"active": False}, {"role": "trainer"}, {"role": "agent", "display_name": "x"}):
        response = admin.patch("/api/users/boss", json=body)
        assert response.status_code == 409
        assert response.get_json()["code"] == "self_lockout" and "不能" in response.get_json()["message"]
    boss = get_user(db, "boss")
    assert boss.active and boss.role == "admin" and boss.display_name == "管理员"   # all-or-nothing
    assert admin.patch("/api/users/boss", json={"display_name": "大管理员"}).status_code == 200


@pytest.mark.parametrize("body", [
    {"username": "x", "password": "password-x"},
    {"username": "ok-name\n", "password": "password-x"},
    {"username": "ok-name", "password": "short"},
    {"username": "ok-name", "password": "password-x", "role": "root"},
    {"username": "ok-name", "password": "password-x", "display_name": "长" * 101},
    {"password": "password-x"},
    {"username": "ok-name", "password": "p" * 257},
])
def test_api_bad_create_is_4xx_with_reason(admin, db, body):
    response = admin.post("/api/users", json=body)
    assert 400 <= response.status_code < 500 and response.is_json
    assert response.get_json()["message"]
    assert get_user(db, "ok-name") is None


def test_api_duplicate_unknown_and_empty(admin, db):
    duplicate = admin.post("/api/users", json={"username": "agent1", "password": "password-x"})
    assert duplicate.status_code == 409 and duplicate.get_json()["message"] == "用户名已存在。"
    assert admin.patch("/api/users/nobody", json={"role": "agent"}).status_code == 404
    empty = admin.patch("/api/users/agent1", json={})
    assert empty.status_code == 400 and empty.get_json()["code"] == "empty"
    assert 400 <= admin.patch("/api/users/agent1", json={"active": "perhaps"}).status_code < 500
    assert 400 <= admin.patch("/api/users/agent1", json={"password": "short"}).status_code < 500


@pytest.mark.parametrize("who", ["agent1", "coach"])
def test_api_forbidden_for_non_admins(app, db, who):
    client = sign_in(app, who)
    assert client.get("/api/users").status_code == 403
    response = client.post("/api/users", json={"username": "sneaky", "password": "password-s", "role": "admin"})
    assert response.status_code == 403 and response.is_json
    assert client.patch(f"/api/users/{who}", json={"role": "admin"}).status_code == 403
    assert client.patch("/api/users/boss", json={"active": False}).status_code == 403
    assert client.patch("/api/users/boss", json={"bogus": 1}).status_code == 403   # checked before the input
    assert get_user(db, who).role != "admin" and get_user(db, "sneaky") is None and get_user(db, "boss").active


def test_api_anonymous_is_401(client, db):
    assert client.get("/api/users").status_code == 401
    assert client.patch("/api/users/boss", json={"active": False}).status_code == 401


def test_api_in_openapi(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    assert {"get", "post"} <= set(paths["/api/users"]) and "patch" in paths["/api/users/{username}"]


def test_api_writes_need_csrf_header(mini, tmp_path):
    from casebook.web import create_app
    # (no RATELIMIT_ENABLED=False here: Flask-Limiter's global `limiter` keeps that flag for later apps)
    app = create_app(root=mini, config={"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'csrf.db'}"})
    try:
        database = app.extensions["casebook.db"]
        add_user(database, "boss", PASSWORDS["boss"], "admin")
        add_user(database, "agent1", PASSWORDS["agent1"], "agent")
        client = app.test_client()
        token = client.get("/api/csrf-token").get_json()["csrf_token"]
        assert client.post("/login", data={"username": "boss", "password": PASSWORDS["boss"],
                                           "csrf_token": token}).status_code == 302
        token = client.get("/api/csrf-token").get_json()["csrf_token"]
        refused = client.patch("/api/users/agent1", json={"role": "trainer"})
        assert refused.status_code == 400 and refused.get_json()["error"] == "csrf"
        assert client.post("/api/users", json={"username": "n1", "password": "password-n"}).status_code == 400
        assert client.patch("/api/users/agent1", json={"role": "trainer"},
                            headers={"X-CSRFToken": token}).status_code == 200
        assert client.post("/api/users", json={"username": "n1", "password": "password-n"},
                           headers={"X-CSRFToken": token}).status_code == 201
        assert get_user(database, "agent1").role == "trainer"
        assert client.post("/admin/users/agent1/active", data={"active": "0"}).status_code == 400   # page form too
        assert client.post("/admin/users/agent1/active", data={"active": "0", "csrf_token": token}).status_code == 302
    finally:
        app.extensions["casebook.db"].dispose()


# ------------------------------------------------------------------ accounts helpers (no Flask)

def test_account_helpers(db):
    assert set_role(db, "agent1", "trainer").role == "trainer"
    assert set_active(db, "agent1", False).active is False
    assert authenticate(db, "agent1", PASSWORDS["agent1"]) is None
    with pytest.raises(SelfLockout):
        set_active(db, "boss", False, acting="boss")
    with pytest.raises(SelfLockout):
        set_role(db, "boss", "agent", acting="boss")
    assert set_role(db, "boss", "admin", acting="boss").role == "admin"
    with pytest.raises(AccountError):
        set_role(db, "agent1", "root")
    with pytest.raises(AccountError):
        set_active(db, "nobody", True)


def test_deactivated_user_loses_an_open_session(app, admin, db):
    agent = sign_in(app, "agent1")
    assert agent.get("/api/me").status_code == 200
    admin.post("/admin/users/agent1/active", data={"active": "0"})
    assert agent.get("/api/me").status_code == 401
