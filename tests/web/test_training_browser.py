"""Headless Chromium (Debian's `chromium`, driven by Playwright): sign in, take a quiz, reload
mid-way, finish it. Never downloads a browser; fails loudly when chromium is missing."""
from __future__ import annotations

from tests.web.browser import signed_in_page


def test_sign_in_take_quiz_reload_and_finish(live_server):
    with signed_in_page(live_server, "/training/") as page:
        page.select_option("select[name=count]", "2") if page.locator("select[name=count]").count() else \
            page.fill("input[name=count]", "2")
        page.click("#practice button[type=submit]")
        page.wait_for_url("**/training/attempts/*")
        url = page.url
        q1 = page.locator("#q-AAA-Q01")
        q1.get_by_label("遵守", exact=True).check()
        q1.locator("button[name=save]").click()
        page.wait_for_load_state()
        page.reload()                                     # mid-way: the answer is still there
        assert page.locator("#q-AAA-Q01 input[name=choice]:checked").count() == 1
        assert "1</strong> / 2" in page.content()
        q2 = page.locator("#q-AAA-Q02")
        q2.locator("input[name=answer][value=false]").check()
        q2.locator("button[name=save]").click()
        page.wait_for_load_state()
        page.click("#submit-attempt")
        page.wait_for_url(url)
        assert page.locator("#score").inner_text() == "100.0"
        assert "解析" in page.content() and "/docs/rules/aaa/#AAA-01" in page.content()
