"""One Settings object, read once, documented: every variable is in README.md's configuration table,
no module reads the environment itself, bad values are named."""
from __future__ import annotations

import ast
import re

import pytest
from click.testing import CliRunner

from casebook.settings import Settings, SettingsError, load_settings
from tests.conftest import REPO

# Modules still reading the environment themselves, with the reason; empty is the goal.
PENDING: dict[str, str] = {}


def _configuration_table() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    return "\n".join(line for line in section.splitlines() if line.startswith("|"))


def test_every_setting_is_documented_in_the_readme():
    table = _configuration_table()
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)(?:=[^`]*)?`", table))
    variables = set(Settings.variables().values())
    assert variables - documented == set(), "settings missing from README.md's configuration table"
    assert documented - variables == set(), "README.md documents variables Casebook does not read"


def _reads_environment(tree: ast.AST) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "environb") \
                and isinstance(node.value, ast.Name) and node.value.id == "os":
            return True
        if isinstance(node, ast.keyword) and node.arg in ("envvar", "auto_envvar_prefix"):
            return True
    return False


def test_only_the_settings_module_reads_the_environment():
    readers = set()
    for path in sorted((REPO / "casebook").rglob("*.py")):
        relative = path.relative_to(REPO).as_posix()
        if _reads_environment(ast.parse(path.read_text(encoding="utf-8"))):
            readers.add(relative)
    assert readers - set(PENDING) == set(), "read settings from casebook.settings.Settings instead"
    assert set(PENDING) <= readers, "a pending module no longer reads the environment: drop it from PENDING"


def test_values_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "sqlite:///x.db")
    monkeypatch.setenv("CASEBOOK_SECURE_COOKIES", "1")
    monkeypatch.setenv("CASEBOOK_SESSION_MAX_HOURS", "3")
    monkeypatch.setenv("CASEBOOK_REDIS_URL", "")          # empty is unset
    settings = load_settings()
    assert settings.database_url == "sqlite:///x.db" and settings.secure_cookies is True
    assert settings.session_max_hours == 3 and settings.redis_url is None
    with pytest.raises(Exception):
        settings.port = 1                                  # frozen: read once, never changed


@pytest.mark.parametrize("name, value, words", [
    ("CASEBOOK_MAX_BODY_KB", "lots", "valid integer"),
    ("CASEBOOK_SESSION_IDLE_MINUTES", "0", "greater than 0"),
    ("CASEBOOK_PORT", "70000", "less than or equal to 65535"),
])
def test_a_bad_value_is_named(monkeypatch, name, value, words):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=f"{name}: .*{words}"):
        load_settings()


def test_the_cli_reports_a_bad_value_without_a_traceback(monkeypatch, mini):
    from casebook.cli import cli
    monkeypatch.setenv("CASEBOOK_MAX_BODY_KB", "lots")
    result = CliRunner().invoke(cli, ["stats", "--root", str(mini)])
    assert result.exit_code == 1 and "CASEBOOK_MAX_BODY_KB" in result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)


def test_the_app_takes_its_settings_object(mini, tmp_path):
    from casebook.web import create_app
    settings = load_settings(database_url=f"sqlite:///{tmp_path / 's.db'}", max_body_kb=2, session_idle_minutes=7,
                             timezone="Europe/London")
    app = create_app(root=mini, settings=settings)
    try:
        assert app.config["MAX_CONTENT_LENGTH"] == 2048 and app.config["SESSION_IDLE_MINUTES"] == 7
        assert app.config["CASEBOOK_TZ"].key == "Europe/London"
        assert app.extensions["casebook.db"].url == settings.database_url
    finally:
        app.extensions["casebook.db"].dispose()
