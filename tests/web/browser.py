"""Shared pieces for browser tests: Debian's chromium driven by Playwright, and a live server."""
from __future__ import annotations

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


