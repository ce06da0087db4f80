"""The trainer pages in headless Chromium (Debian's) with the network limited to the server: every
chart is drawn from the vendored ECharts (an SVG with content), nothing is requested from another
host, and at 390 px nothing scrolls sideways (the 21-chapter progress table scrolls in its box)."""
from __future__ import annotations

import socket
import threading
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

from tests.insight_data import PASSWORD, seed
from tests.web.browser import browser

PAGES = {"/training/trainer": 6, "/scenarios/statistics/CASE-001": 1}


@pytest.fixture
def seeded_server(mini, tmp_path):
    from casebook.web import create_app
    from tests.training_content import add_training_content
    root = add_training_content(mini)
    app = create_app(root=root, config={"DATABASE_URL": f"sqlite:///{tmp_path / 'live.db'}", "SECRET_KEY": "browser-test",
                                        "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False})
    seed(app)
    app.config["WTF_CSRF_ENABLED"] = True
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        app.extensions["casebook.db"].dispose()


def test_charts_render_offline_and_fit_a_phone(seeded_server):
    base = seeded_server
    host = urlsplit(base).netloc
    attempted: list[str] = []
    with browser() as chromium:
        context = chromium.new_context(viewport={"width": 1366, "height": 900})

        def route(r):
            if urlsplit(r.request.url).netloc == host:
                r.continue_()
            else:
                attempted.append(r.request.url)
                r.abort()
        context.route("**/*", route)
        page = context.new_page()
        page.set_default_timeout(120_000)
        page.goto(f"{base}/login?next=/")
        page.fill("input[name=username]", "coach")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/")
        for width in (1366, 390):
            page.set_viewport_size({"width": width, "height": 900 if width == 1366 else 844})
            for path, count in PAGES.items():
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
                charts = page.locator(".chart[data-rendered='1']")
                charts.nth(count - 1).wait_for()
                assert charts.count() == count
                for i in range(count):
                    chart = charts.nth(i)
                    # ECharts drew an SVG with marks in it, as wide as its box
                    assert chart.locator("svg").count() == 1
                    assert chart.locator("svg path, svg rect, svg text").count() > 10, f"{path} chart {i} is empty"
                    box = chart.locator("svg").bounding_box()
                    assert box["width"] > 200 and box["height"] > 150
                scroll, view = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
                assert scroll <= view, f"{path} at {width}px: {scroll}px wide"
                if path == "/training/trainer":
                    # the heat map's data: the progress table scrolls inside its own box
                    wrap = page.locator(".progress-wrap").bounding_box()
                    assert wrap["x"] + wrap["width"] <= view + 1
                    # every chart's data is a table behind a summary, and a CSV link beside it
                    page.locator("#chart-items summary").click()
                    assert page.locator("#chart-items table").is_visible()
                    assert page.locator("#chart-items a[download]").get_attribute("href") == "/training/trainer/charts/items.csv"
        context.close()
    assert attempted == [], f"requests to other hosts: {attempted}"
