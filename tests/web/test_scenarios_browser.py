"""Headless Chromium plays a scenario to its report in the chat view (Debian's chromium via Playwright)."""
from __future__ import annotations

from tests.web.browser import signed_in_page, wait_until


def test_play_scenario_in_the_chat_to_the_report(live_server):
    with signed_in_page(live_server, "/scenarios/CASE-001") as page:
        page.click("#start")
        # step s1: the advertiser's message is a bubble with name and time; buttons have Chinese labels
        page.wait_for_selector("#answer")
        first = page.locator("#chat .msg.new").first
        assert "广告消息" in first.inner_text() and "阿杰" in first.inner_text() and "10:00" in first.inner_text()
        assert page.locator("label", has_text="撤回消息").count() == 1 and "delete_message" not in page.inner_text("#answer")
        countdown = page.inner_text("#step-countdown")
        wait_until(page, lambda: page.inner_text("#step-countdown") != countdown)     # it counts down
        # an empty reply is questioned first; cancelling keeps the agent on the step
        asked = []
        page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
        page.click("#send")
        wait_until(page, lambda: bool(asked))
        assert asked and "还没有写回复" in asked[0] and page.locator("#answer input[name=step][value=s1]").count() == 1
        for action in ("delete_message", "warn_member"):
            page.check(f"input[name=actions][value={action}]")
        page.fill("#reply", "@阿杰 您好，群内禁止发布广告，消息已删除，请您理解。")
        page.click("#send")
        # the branch for a correct sanction leads to s2 ("知道了"); the agent's reply and actions are in the chat
        page.wait_for_selector("#answer input[name=step][value=s2]", state="attached")
        chat = page.inner_text("#chat")
        assert "知道了" in chat and "凭什么踢我" not in chat
        assert page.locator("#chat .msg.mine", has_text="群内禁止发布广告").count() == 1
        assert page.locator("#chat .mention", has_text="@阿杰").count() == 1
        assert "你撤回了这条消息" in chat and "你警告了 阿杰" in chat
        page.reload()                                   # a reload resumes at the same step
        assert "知道了" in page.inner_text("#chat")
        page.fill("#reply", "感谢您的配合！")
        page.click("#send")
        page.wait_for_selector("#score")
        score = float(page.inner_text("#score strong"))
        assert score >= 80
        criteria = page.inner_text("#criteria")
        assert "你的回复「感谢您的配合" in criteria and "」做到了「感谢配合」" in criteria and "做到了「撤回消息」" in criteria
        assert "delete_message" not in criteria and "相似度" not in criteria
        assert page.locator("#criteria li.pass .icon").count() >= 1
        assert page.locator("#criteria a[href*='/docs/rules/aaa/#AAA-']").count() >= 1
