"""Headless Chromium (Debian's `chromium`, driven by Playwright): a practice quiz answered by clicks
only loses nothing (each answer saved as it is given), submitting asks about unanswered questions,
and the exam counts down and submits itself. Never downloads a browser."""
from __future__ import annotations

from tests.web.browser import signed_in_page, wait_until


def _start_practice(page, count: str):
    if page.locator("select[name=count]").count():
        page.select_option("select[name=count]", count)
    else:
        page.fill("input[name=count]", count)
    page.click("#practice button[type=submit]")
    page.wait_for_url("**/training/attempts/*")


def test_practice_answered_by_clicks_only_loses_nothing(live_server):
    with signed_in_page(live_server, "/training/") as page:
        _start_practice(page, "2")
        url = page.url
        q1, q2 = page.locator("#q-AAA-Q01"), page.locator("#q-AAA-Q02")
        q1.get_by_label("遵守", exact=True).check()             # no save button pressed anywhere
        q1.locator(".save-state", has_text="已保存 ✓").wait_for()
        assert page.locator("#qnav a.answered").count() == 1
        q2.get_by_label("错误", exact=True).check()
        q2.locator(".save-state", has_text="已保存 ✓").wait_for()
        page.reload()                                            # both answers survive a reload
        assert page.locator("#q-AAA-Q01 input[type=radio]:checked").count() == 1
        assert page.locator("#q-AAA-Q02 input[value=false]:checked").count() == 1   # true/false shown after reload
        assert page.inner_text("#answered") == "2" and page.locator("#qnav a.answered").count() == 2
        page.click("#submit-attempt")                            # nothing unanswered: no question asked
        page.wait_for_selector("#score")
        assert page.url.split("#")[0] == url
        assert page.locator("#score").inner_text() == "100.0"
        assert "解析" in page.content() and "/docs/rules/aaa/#AAA-01" in page.content()


def test_submit_lists_unanswered_and_asks_first(live_server):
    with signed_in_page(live_server, "/training/") as page:
        _start_practice(page, "2")
        page.locator("#q-AAA-Q01").get_by_label("遵守", exact=True).check()
        page.locator("#q-AAA-Q01 .save-state", has_text="已保存 ✓").wait_for()
        page.locator("#q-AAA-Q02 button.flag").click()        # flagged questions show in the navigator
        assert page.locator("#qnav a.flagged").count() == 1
        asked = []

        def dismiss(dialog):
            asked.append(dialog.message)
            dialog.dismiss()
        page.once("dialog", dismiss)
        page.click("#submit-attempt")
        page.wait_for_timeout(300)
        number = page.get_attribute("#q-AAA-Q02", "data-number")
        assert asked and "还有 1 道题没有作答" in asked[0] and f"第 {number} 题" in asked[0]
        assert page.locator("#score").count() == 0               # cancelled: still answering
        page.once("dialog", lambda dialog: dialog.accept())
        page.click("#submit-attempt")
        page.wait_for_selector("#score")
        assert page.locator("#score").inner_text() == "50.0"


def test_exam_counts_down_and_submits_itself(live_server, mini):
    exam = mini / "quiz" / "exam"
    exam.mkdir(parents=True, exist_ok=True)
    (exam / "exam.yml").write_text("time_limit_min: 0.12\npass_mark: 0.8\nblueprint:\n  AAA: 2\n", encoding="utf-8")
    with signed_in_page(live_server, "/training/") as page:
        page.once("dialog", lambda dialog: dialog.accept())
        page.click("#exam button[type=submit]")
        page.wait_for_url("**/training/attempts/*")
        assert page.locator("#deadline").count() == 1 and "截止时间" in page.inner_text("#deadline")
        first = page.inner_text("#countdown")
        assert page.locator("#time-warning").is_visible()        # under a minute left: warned at once
        page.locator(".question").first.locator("input[type=radio]").first.check()
        page.locator(".question .save-state", has_text="已保存 ✓").first.wait_for()
        wait_until(page, lambda: page.locator("#countdown").count() == 0 or page.inner_text("#countdown") != first)
        page.wait_for_selector("#score", timeout=60_000)       # submitted by the page at the deadline
        assert "考试" in page.inner_text("h1")
        assert page.locator(".question").count() == 2
