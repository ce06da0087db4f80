"""Shared configuration for several servers: the session key and the rate-limit storage."""
from __future__ import annotations

import pytest

from casebook.settings import SettingsError
from casebook.web import ConfigError, create_app
from tests.stores import postgres_server  # noqa: F401 - fixture


def _app(mini, tmp_path, monkeypatch, url, **env):
    for name in ("CASEBOOK_SECRET_KEY", "CASEBOOK_REDIS_URL", "CASEBOOK_WORKERS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return create_app(root=mini, config={"TESTING": True, "DATABASE_URL": url})


def test_secret_key_from_the_environment(mini, tmp_path, monkeypatch):
    app = _app(mini, tmp_path, monkeypatch, f"sqlite:///{tmp_path / 'a.db'}", CASEBOOK_SECRET_KEY="k" * 32)
    assert app.config["SECRET_KEY"] == "k" * 32
    assert not (mini / "instance" / "secret_key").exists()


def test_single_server_generates_its_key(mini, tmp_path, monkeypatch):
    app = _app(mini, tmp_path, monkeypatch, f"sqlite:///{tmp_path / 'a.db'}")
    assert app.config["SECRET_KEY"] == (mini / "instance" / "secret_key").read_text().strip()


def test_short_secret_key_refused(mini, tmp_path, monkeypatch):
    with pytest.raises(SettingsError, match="CASEBOOK_SECRET_KEY.*16") as error:
        _app(mini, tmp_path, monkeypatch, f"sqlite:///{tmp_path / 'a.db'}", CASEBOOK_SECRET_KEY="short-secret")
    assert "short-secret" not in str(error.value)            # a secret is never echoed


@pytest.mark.parametrize("env", [{"CASEBOOK_WORKERS": "2"}, {"CASEBOOK_REDIS_URL": "redis://127.0.0.1:1/0"}])
def test_several_servers_on_postgresql_need_the_key(mini, tmp_path, monkeypatch, postgres_server, env):
    from tests.stores import new_postgres_database
    with pytest.raises(ConfigError, match="CASEBOOK_SECRET_KEY is not set"):
        _app(mini, tmp_path, monkeypatch, new_postgres_database(postgres_server), **env)
    app = _app(mini, tmp_path, monkeypatch, new_postgres_database(postgres_server), CASEBOOK_SECRET_KEY="s" * 32, **env)
    assert app.config["SECRET_KEY"] == "s" * 32
    app.extensions["casebook.db"].dispose()


def test_redis_url_is_the_limiter_storage(mini, tmp_path, monkeypatch):
    app = _app(mini, tmp_path, monkeypatch, f"sqlite:///{tmp_path / 'a.db'}", CASEBOOK_REDIS_URL="redis://127.0.0.1:6390/3")
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6390/3"
    app2 = _app(mini, tmp_path, monkeypatch, f"sqlite:///{tmp_path / 'b.db'}")
    assert app2.config["RATELIMIT_STORAGE_URI"] == "memory://"
