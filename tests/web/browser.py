"""Shared pieces for browser tests: Debian's chromium driven by Playwright, and a live server."""
from __future__ import annotations

import contextlib
import os
import socket
import threading

import pytest
from werkzeug.serving import make_server

from casebook.accounts import add_user

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


@contextlib.contextmanager
def serving(root, tmp_path, users=(("xiaoan", "agent", "小安"),)):
    """The app for a content root on a free local port, with the given (username, role, name) accounts
    (password "password-b"); yields the base URL."""
    from casebook.web import create_app
    app = create_app(root=root, config={"DATABASE_URL": f"sqlite:///{tmp_path / 'live.db'}", "SECRET_KEY": "browser-test",
                                        "RATELIMIT_ENABLED": False})
    for username, role, name in users:
        add_user(app.extensions["casebook.db"], username, "password-b", role=role, display_name=name)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        app.extensions["casebook.db"].dispose()


@pytest.fixture
def live_server(mini, tmp_path):
    with serving(mini, tmp_path) as url:
        yield url




@contextlib.contextmanager
def browser():
    """Debian's chromium, headless (never a downloaded browser)."""
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is not installed: run `make test` (apt-get install -y chromium)", pytrace=False)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


def sign_in(page, base: str, username: str = "xiaoan", next_path: str = "/"):
    page.goto(f"{base}/login?next={next_path}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "password-b")
    page.click("button[type=submit]")
    page.wait_for_url("**" + next_path)


@contextlib.contextmanager
def signed_in_page(live_server: str, next_path: str):
    """A headless Chromium page signed in as the live server's agent, opened at next_path."""
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is not installed: run `make test` (apt-get install -y chromium)", pytrace=False)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page()
            page.set_default_timeout(120_000)
            page.goto(f"{live_server}/login?next={next_path}")
            page.fill("input[name=username]", "xiaoan")
            page.fill("input[name=password]", "password-b")
            page.click("button[type=submit]")
            page.wait_for_url("**" + next_path)
            yield page
        finally:
            browser.close()


def wait_until(page, check, attempts: int = 600):
    """Poll `check()` (Python, so no script evaluation a strict CSP would refuse) every 0.25 s."""
    for _ in range(attempts):
        if check():
            return
        page.wait_for_timeout(250)
    raise AssertionError("condition not met")
