"""The Flask app: the site under /docs/, sign-in, first-run admin, errors."""
from __future__ import annotations

from casebook.accounts import add_user, ensure_admin
from casebook.site.build import build_site


def test_docs_served_after_build(app, client, mini):
    build_site(mini)
    response = client.get("/docs/")
    assert response.status_code == 200 and "Mini" in response.get_data(as_text=True)
    assert client.get("/docs/rules/aaa/").status_code == 200
    assert client.get("/docs/rules/aaa").status_code == 308
    assert client.get("/docs/no-such-page/").status_code == 404
    assert client.get("/docs/../../etc/passwd").status_code == 404


def test_docs_before_build_explains(client):
    response = client.get("/docs/")
    assert response.status_code == 503 and "casebook build" in response.get_data(as_text=True)


def test_first_run_creates_admin_once(app):
    db = app.extensions["casebook.db"]
    created = ensure_admin(db)
    assert created is not None and created[0] == "admin" and len(created[1]) >= 12
    assert ensure_admin(db) is None


def test_sign_in_and_out(app, client):
    add_user(app.extensions["casebook.db"], "xiaoan", "correct-horse", role="agent", display_name="小安")
    bad = client.post("/login", data={"username": "xiaoan", "password": "wrong-password"})
    assert bad.status_code == 401 and "不正确" in bad.get_data(as_text=True)
    good = client.post("/login", data={"username": "xiaoan", "password": "correct-horse"})
    assert good.status_code == 302
    assert "小安" in client.get("/").get_data(as_text=True)
    client.post("/logout")
    assert "登录" in client.get("/").get_data(as_text=True)


def test_sign_in_is_rate_limited(app, client):
    for _ in range(10):
        client.post("/login", data={"username": "nobody", "password": "whatever1"})
    assert client.post("/login", data={"username": "nobody", "password": "whatever1"}).status_code == 429


def test_csrf_required_on_forms(mini, tmp_path):
    from casebook.web import create_app
    app = create_app(root=mini, config={"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}"})
    response = app.test_client().post("/login", data={"username": "a", "password": "b"})
    assert response.status_code == 400 and "表单已过期" in response.get_data(as_text=True)


def test_api_errors_are_json(client):
    response = client.get("/api/does-not-exist")
    assert response.status_code == 404 and response.is_json and response.get_json()["message"]


def test_openapi_document(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200 and response.get_json()["openapi"].startswith("3.")


def test_sqlite_uses_wal(app):
    from sqlalchemy import text
    with app.extensions["casebook.db"].engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
