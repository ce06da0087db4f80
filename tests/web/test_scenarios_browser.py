"""Headless Chromium plays a scenario to the end and reads the report (Debian's chromium via Playwright)."""
from __future__ import annotations

from tests.web.browser import signed_in_page


def test_play_scenario_to_the_end_and_read_the_report(live_server):
    with signed_in_page(live_server, "/scenarios/CASE-001") as page:
        page.click("#start")
        # step s1: the advertiser's message is on screen; delete, warn and reply in public
        # (a written reply is the `reply` action; its visibility decides public or private)
        page.wait_for_selector("#answer")
        assert "广告消息" in page.inner_text("#chat")
        for action in ("delete_message", "warn_member"):
            page.check(f"input[name=actions][value={action}]")
        page.fill("#reply", "您好，群内禁止发布广告，消息已删除，请您理解。")
        page.click("#send")
        # the branch for a correct sanction leads to s2 ("知道了"), not the complaint step
        page.wait_for_selector("#answer")
        assert "知道了" in page.inner_text("#chat") and "凭什么踢我" not in page.inner_text("#chat")
        page.reload()                                   # a reload resumes at the same step
        assert "知道了" in page.inner_text("#chat")
        page.fill("#reply", "感谢您的配合！")
        page.click("#send")
        page.wait_for_selector("#score")
        score = float(page.inner_text("#score strong"))
        assert score >= 80
        criteria = page.inner_text("#criteria")
        assert "通过" in criteria or "pass" in criteria.lower()
        assert page.locator("#criteria a[href*='/docs/rules/aaa/#AAA-']").count() >= 1
