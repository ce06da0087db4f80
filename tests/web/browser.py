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


@pytest.fixture
def live_server(mini, tmp_path):
    from casebook.web import create_app
    app = create_app(root=mini, config={"DATABASE_URL": f"sqlite:///{tmp_path / 'live.db'}", "SECRET_KEY": "browser-test",
                                        "RATELIMIT_ENABLED": False})
    add_user(app.extensions["casebook.db"], "xiaoan", "password-b", display_name="小安")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    app.extensions["casebook.db"].dispose()




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
            page.goto(f"{live_server}/login?next={next_path}")
            page.fill("input[name=username]", "xiaoan")
            page.fill("input[name=password]", "password-b")
            page.click("button[type=submit]")
            page.wait_for_url("**" + next_path)
            yield page
        finally:
            browser.close()
