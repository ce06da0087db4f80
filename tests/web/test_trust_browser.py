"""Headless Chromium: an agent contests a criterion on a report, a trainer accepts it in the queue, the
agent's score and record change; a trainer calibrates with one click. Screenshots at 1366×900 and
390×844 go to $CASEBOOK_SCREENSHOTS (default: the test's temporary folder)."""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

from tests.web.browser import browser, serving, sign_in, wait_until

USERS = (("xiaoan", "agent", "小安"), ("coach", "trainer", "王培训"))
SIZES = {"wide": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


def shoot(page, folder: Path, name: str) -> None:
    for label, size in SIZES.items():
        page.set_viewport_size(size)
        # nothing wider than the screen (charts follow a resize a moment later: poll, do not time)
        wait_until(page, lambda: page.evaluate("document.documentElement.scrollWidth") <= size["width"] + 1, 120)
        page.screenshot(path=str(folder / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(SIZES["wide"])


def offline(page, base: str, seen: list) -> None:
    host = urlparse(base).netloc
    page.on("request", lambda request: seen.append(request.url) if urlparse(request.url).netloc != host
            and not request.url.startswith(("data:", "blob:", "about:")) else None)


def test_dispute_accepted_and_calibration_agree_all(mini, tmp_path):
    folder = Path(os.environ.get("CASEBOOK_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    outside: list[str] = []
    with serving(mini, tmp_path, USERS) as base, browser() as chromium:
        agent = chromium.new_context(viewport=SIZES["wide"]).new_page()
        agent.set_default_timeout(120_000)
        offline(agent, base, outside)
        sign_in(agent, base, "xiaoan", "/scenarios/CASE-001")
        agent.click("#start")
        agent.wait_for_selector("#answer")
        agent.check("input[name=actions][value=warn_member]")          # delete_message left out
        agent.fill("#reply", "@阿杰 您好，群内禁止发布广告，请您理解。")
        agent.click("#send")
        agent.wait_for_selector("#answer input[name=step][value=s2]", state="attached")
        agent.fill("#reply", "感谢您的配合！")
        agent.click("#send")
        agent.wait_for_selector("#score")
        before = float(agent.inner_text("#score strong"))
        report_url = agent.url
        missed = agent.locator("#criteria li.fail", has_text="撤回消息")
        missed.locator("summary", has_text="申诉").click()
        missed.locator("textarea[name=comment]").fill("我其实已经撤回了那条广告，只是忘了勾选")
        missed.locator("button", has_text="提交申诉").click()
        agent.wait_for_selector(".flash")
        assert "申诉已提交" in agent.inner_text(".flash")
        assert "申诉（待处理）" in agent.inner_text("#criteria")
        shoot(agent, folder, "report-dispute-open")

        coach = chromium.new_context(viewport=SIZES["wide"]).new_page()
        coach.set_default_timeout(120_000)
        offline(coach, base, outside)
        sign_in(coach, base, "coach", "/disputes")
        card = coach.locator(".dispute-card").first
        assert "小安" in card.inner_text() and "我其实已经撤回了那条广告" in card.inner_text()
        assert "delete_message" not in card.inner_text() and "撤回消息" in card.inner_text()
        shoot(coach, folder, "queue")
        card.locator("textarea[name=reason]").fill("回放确认已撤回")
        card.locator("button", has_text="采纳").click()
        coach.wait_for_selector(".flash")
        assert "已采纳申诉" in coach.inner_text(".flash")
        coach.goto(f"{base}/disputes?state=resolved")
        assert "回放确认已撤回" in coach.inner_text("#disputes")

        agent.goto(report_url)
        after = float(agent.inner_text("#score strong"))
        assert after > before
        assert "经申诉改判" in agent.inner_text("#criteria") and "王培训" in agent.inner_text("#criteria")
        assert f"自动评分 {before:g} 分" in agent.inner_text("#score-changed")
        shoot(agent, folder, "report-dispute-accepted")
        agent.goto(f"{base}/scenarios/history")
        assert f"{after:g}" in agent.inner_text("#history")
        agent.goto(f"{base}/disputes")
        assert "已采纳" in agent.inner_text("#disputes")

        # calibration: one click agrees with every automatic verdict
        coach.goto(report_url + "#calibration")
        coach.click("#agree-all")
        coach.wait_for_selector(".flash")
        assert "全部同意自动评分" in coach.inner_text(".flash")
        shoot(coach, folder, "report-grading")
        coach.goto(f"{base}/scenarios/calibration")
        gates = coach.inner_text("#gates")
        assert "必做动作" in gates and "required_actions" not in gates
        shoot(coach, folder, "calibration")
        coach.goto(report_url + "?blind=1#calibration")              # already graded: nothing hidden any more
        assert coach.locator("#blind-note").count() == 0
    assert outside == []
