"""Every page of the app, the site and /api/docs in headless Chromium (Debian's, via Playwright):
with the network limited to the server itself (every request to another host is aborted and
recorded; none may be attempted) and at a 390 px phone width without sideways scrolling."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from casebook.site.build import build_site
from tests.web.browser import browser, serving, sign_in

USERS = (("xiaoan", "agent", "小安"), ("boss", "admin", "管理员甲"))
FLOW = """# 处理流程

```mermaid
flowchart TD
    A[发现问题] --> B{是否紧急}
    B -->|是| C[升级]
    B -->|否| D[记录]
```
"""
SUPERFENCES = """  - pymdownx.superfences:
      custom_fences:
        - name: mermaid
          class: mermaid
          format: !!python/name:pymdownx.superfences.fence_code_format
"""


@pytest.fixture
def site_server(mini, tmp_path):
    """The mini content with a Mermaid workflow page, its site built, served with an agent and an admin."""
    (mini / "docs" / "flow.md").write_text(FLOW, encoding="utf-8")
    config = mini / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + SUPERFENCES, encoding="utf-8")
    build_site(mini)
    with serving(mini, tmp_path, USERS) as url:
        yield url


def _make_records(page, base: str) -> list[str]:
    """Limit the network to the server: abort anything else and remember it."""
    host = urlsplit(base).netloc
    attempted: list[str] = []

    def route(r):
        if urlsplit(r.request.url).netloc == host:
            r.continue_()
        else:
            attempted.append(r.request.url)
            r.abort()
    page.context.route("**/*", route)
    return attempted


def _prepare(page, base: str) -> list[str]:
    """Create what the pages show (a practice result, an open practice, a scenario report); the pages."""
    sign_in(page, base, "boss", "/training/")
    page.fill("input[name=count]", "2")
    page.click("#practice button[type=submit]")
    page.wait_for_url("**/training/attempts/*")
    done = page.url
    page.locator("#q-AAA-Q01").get_by_label("遵守", exact=True).check()
    page.locator("#q-AAA-Q01 .save-state", has_text="已保存 ✓").wait_for()
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#submit-attempt")
    page.wait_for_selector("#score")
    page.goto(f"{base}/training/")
    page.fill("input[name=count]", "3")
    page.click("#practice button[type=submit]")
    page.wait_for_url("**/training/attempts/*")
    open_attempt = page.url
    page.goto(f"{base}/scenarios/CASE-001")
    page.click("#start")
    page.fill("#reply", "您好，群内禁止发布广告，消息已删除，请您理解。")
    page.check("input[name=actions][value=delete_message]")
    page.click("#send")
    page.fill("#reply", "感谢您的配合！")
    page.click("#send")
    page.wait_for_selector("#score")
    report = page.url
    page.goto(f"{base}/scenarios/CASE-001")
    page.click("#start")                                    # an attempt in progress: the chat page
    page.wait_for_selector("#answer")
    return ["/", "/training/", done, open_attempt, "/training/trainer", "/scenarios", "/scenarios/CASE-001",
            report, "/scenarios/history", "/scenarios/calibration", "/disputes", "/scenarios/statistics", "/scenarios/statistics/CASE-001", "/search", "/search?q=广告",
            "/admin/users", "/api/docs", "/no-such-page", "/docs/", "/docs/rules/aaa/", "/docs/flow/",
            "/docs/cases/", "/login"]


def test_every_page_offline_and_without_sideways_scroll_on_a_phone(site_server):
    base = site_server
    with browser() as chromium:
        context = chromium.new_context(viewport={"width": 1366, "height": 900})
        page = context.new_page()
        page.set_default_timeout(180_000)
        attempted = _make_records(page, base)
        paths = _prepare(page, base)
        overflowing, broken = [], []
        for width in (1366, 390):
            page.set_viewport_size({"width": width, "height": 844 if width == 390 else 900})
            for path in paths:
                if path == "/login":
                    page.context.clear_cookies()
                url = path if path.startswith("http") else base + path
                page.goto(url)
                page.wait_for_load_state("networkidle")
                if path == "/api/docs":
                    page.wait_for_selector(".swagger-ui .opblock")          # rendered from the local copy
                if path == "/docs/flow/":
                    # Mermaid from the vendored file: Material swaps the source for a drawing (in a closed shadow root)
                    page.wait_for_selector("div.mermaid")
                    assert page.locator("pre.mermaid").count() == 0 and page.locator("div.mermaid").bounding_box()["height"] > 100
                scroll, view = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
                if width == 390 and scroll > view:
                    overflowing.append(f"{path}: {scroll}px > {view}px")
                if path.startswith("/docs/") and not page.locator(".cb-app-links a[href='/']").count():
                    broken.append(f"{path}: no link back to the app in the site header")
            if width == 1366:
                sign_in(page, base, "boss", "/")
        assert attempted == [], f"requests to other hosts: {attempted}"
        assert overflowing == [], "pages wider than a 390 px phone: " + "; ".join(overflowing)
        assert broken == []
        context.close()
