"""Shared fixtures: the repository, a small valid content tree, and the web app."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# Cheap password hashing for the whole suite (a setting: argon2id at its lowest cost). Hashes
# still verify the same way; only the time to make one changes.
os.environ.setdefault("CASEBOOK_PASSWORD_HASH_TIME_COST", "1")
os.environ.setdefault("CASEBOOK_PASSWORD_HASH_MEMORY_KIB", "64")
# The embedding engine's OpenMP threads sleep when idle (read when the engine loads, after this):
# several test processes embedding at once would otherwise spin against each other on 2 cores.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def pytest_configure(config):
    from casebook import accounts
    accounts.configure_hashing(int(os.environ["CASEBOOK_PASSWORD_HASH_TIME_COST"]),
                               int(os.environ["CASEBOOK_PASSWORD_HASH_MEMORY_KIB"]))
    if config.pluginmanager.hasplugin("xdist") and not hasattr(config, "workerinput"):
        config.pluginmanager.register(_CollectStores(), "casebook-stores")


# A summary line saying which stores the persistence tests ran on ("stores: sqlite, postgresql"),
# also when the suite runs in several processes (pytest-xdist: each worker reports its stores).

class _CollectStores:
    """On the xdist controller: the stores each worker used."""

    def pytest_testnodedown(self, node, error):
        from tests.stores import STORES_RAN
        STORES_RAN.update(getattr(node, "workeroutput", {}).get("stores", []))


def pytest_sessionfinish(session):
    from tests.stores import STORES_RAN
    output = getattr(session.config, "workeroutput", None)
    if output is not None:
        output["stores"] = sorted(STORES_RAN)


def pytest_terminal_summary(terminalreporter):
    from tests.stores import STORES_RAN
    if STORES_RAN:
        terminalreporter.write_line("stores: " + ", ".join(sorted(STORES_RAN, key=["sqlite", "postgresql"].index)))

REPO = Path(__file__).resolve().parents[1]
MINI = Path(__file__).with_name("fixtures") / "mini"
CONTENT_DIRS = ("docs", "cases", "quiz", "search")


def copy_content(source: Path, target: Path) -> Path:
    for name in CONTENT_DIRS:
        if (source / name).is_dir():
            shutil.copytree(source / name, target / name, ignore=shutil.ignore_patterns("build"))
    shutil.copy(source / "mkdocs.yml", target / "mkdocs.yml")
    return target


@pytest.fixture
def mini(tmp_path) -> Path:
    """A copy of the small valid content tree, safe to break."""
    return copy_content(MINI, tmp_path / "mini")


@pytest.fixture
def repo_copy(tmp_path) -> Path:
    """A copy of the repository's real content, safe to break."""
    return copy_content(REPO, tmp_path / "repo")


def line_of(path: Path, needle: str, occurrence: int = 1) -> int:
    """1-based line of the n-th line containing needle (tests compute where a fault sits)."""
    seen = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{needle!r} not found in {path}")


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


@pytest.fixture(scope="session")
def embedding_cache() -> Path:
    """The search embedding cache index builds use: the settings' (tests/search points
    CASEBOOK_EMBEDDING_CACHE at one file for its session)."""
    from casebook.settings import load_settings
    return load_settings().search_cache_file


@pytest.fixture
def app(mini, tmp_path):
    from casebook.web import create_app
    app = create_app(root=mini, config={"TESTING": True, "WTF_CSRF_ENABLED": False,
                                         "DATABASE_URL": f"sqlite:///{tmp_path / 'test.db'}"})
    yield app
    app.extensions["casebook.db"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


class AuthActions:
    """Accounts and sign-in for tests (the Flask tutorial's `auth` fixture)."""
    PASSWORD = "correct-horse"

    def __init__(self, app):
        self.app = app

    def add(self, username: str, role: str = "agent", password: str = PASSWORD, display_name: str = ""):
        from casebook.accounts import add_user
        return add_user(self.app.extensions["casebook.db"], username, password, role=role, display_name=display_name)

    def login(self, username: str = "xiaoan", password: str = PASSWORD, client=None, role: str | None = "agent"):
        """Sign `username` in on `client` (a new one by default), creating the account first when
        `role` is given; returns the client. The sign-in must succeed."""
        client = client or self.app.test_client()
        if role is not None:
            self.add(username, role, password)
        response = client.post("/login", data={"username": username, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    def logout(self, client):
        return client.post("/logout")


@pytest.fixture
def auth(app) -> AuthActions:
    return AuthActions(app)


from tests.web.browser import live_server  # noqa: E402,F401  (a running app for browser tests)
