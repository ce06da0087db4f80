"""Scenario statistics on hand-computed data (every expected figure is worked out in the comments)."""
from __future__ import annotations

from casebook.scoring.stats import kind_pass_rates, scenario_statistics


def c(step, kind, label, status, deduction=0.0):
    return {"step": step, "kind": kind, "label": label, "status": status, "weight": 1, "evidence": "",
            "deduction": deduction if status == "fail" else 0.0}


# Five attempts at one scenario: s1 branches to s2a or s2b, or ends (A5).
REPORTS = [
    {"score": 90, "path": ["s1", "s2a"], "criteria": [
        c("s1", "key_points", "说明广告已删除", "pass"), c("s1", "required_actions", "delete_message", "pass"),
        c("s1", "avoid", "亲", "fail", 6), c("s1", "tone", "道歉", "fail", 10), c("s1", "response_time", "5 分钟内", "pass"),
        c("s2a", "tone", "礼貌", "pass")]},
    {"score": 70, "path": ["s1", "s2a"], "criteria": [
        c("s1", "key_points", "说明广告已删除", "pass"), c("s1", "required_actions", "delete_message", "pass"),
        c("s1", "avoid", "亲", "fail", 6), c("s1", "tone", "道歉", "fail", 10), c("s1", "response_time", "5 分钟内", "pass"),
        c("s2a", "tone", "礼貌", "fail", 15)]},
    {"score": 50, "path": ["s1", "s2b"], "criteria": [
        c("s1", "key_points", "说明广告已删除", "fail", 20), c("s1", "required_actions", "delete_message", "pass"),
        c("s1", "avoid", "亲", "pass"), c("s1", "tone", "道歉", "fail", 10), c("s1", "response_time", "5 分钟内", "pass"),
        c("s2b", "key_points", "说明群规", "fail", 20)]},
    {"score": 30, "path": ["s1", "s2b"], "criteria": [
        c("s1", "key_points", "说明广告已删除", "fail", 20), c("s1", "required_actions", "delete_message", "pass"),
        c("s1", "avoid", "亲", "pass"), c("s1", "tone", "道歉", "fail", 10), c("s1", "response_time", "5 分钟内", "pass"),
        c("s2b", "key_points", "说明群规", "fail", 20)]},
    {"score": 60, "path": ["s1"], "criteria": [
        c("s1", "key_points", "说明广告已删除", "pass"), c("s1", "required_actions", "delete_message", "pass"),
        c("s1", "avoid", "亲", "fail", 6), c("s1", "tone", "道歉", "fail", 10), c("s1", "response_time", "5 分钟内", "na")]},
]


def _by_label(stats):
    return {(cr["step"], cr["label"]): cr for step in stats["steps"] for cr in step["criteria"]}


def test_facility_discrimination_points_lost_and_flags():
    stats = scenario_statistics(REPORTS, min_responses=4)
    assert stats["attempts"] == 5 and stats["mean_score"] == 60.0   # (90+70+50+30+60)/5
    crit = _by_label(stats)
    kp = crit[("s1", "说明广告已删除")]
    # passes [1,1,0,0,1] vs totals [90,70,50,30,60]: deviations x (.4,.4,-.6,-.6,.4), y (30,10,-10,-30,0);
    # sxy = 12+4+6+18+0 = 40, sxx = 1.2, syy = 2000 → r = 40/√2400 = 0.81650
    assert (kp["responses"], kp["passes"], kp["facility"], kp["discrimination"]) == (5, 3, 60.0, 81.65)
    assert (kp["points_lost"], kp["mean_points_lost"], kp["flags"]) == (40.0, 8.0, [])
    avoid = crit[("s1", "亲")]
    # passes [0,0,1,1,0]: the mirror image of the key point above → r = -0.81650; lost 3 × 6 = 18
    assert (avoid["facility"], avoid["discrimination"], avoid["points_lost"], avoid["mean_points_lost"]) == (40.0, -81.65, 18.0, 3.6)
    assert avoid["flags"] == ["negative_discrimination"]
    action = crit[("s1", "delete_message")]
    assert (action["facility"], action["discrimination"], action["flags"]) == (100.0, None, ["never_fails"])
    tone = crit[("s1", "道歉")]
    assert (tone["facility"], tone["discrimination"], tone["points_lost"], tone["flags"]) == (0.0, None, 50.0, ["always_fails"])
    time = crit[("s1", "5 分钟内")]          # A5's `na` is not a response
    assert (time["responses"], time["facility"], time["flags"]) == (4, 100.0, ["never_fails"])
    polite = crit[("s2a", "礼貌")]            # 2 responses: [1,0] vs [90,70] → r = 1, but too few to flag
    assert (polite["responses"], polite["facility"], polite["discrimination"], polite["flags"]) == (2, 50.0, 100.0, [])
    rules = crit[("s2b", "说明群规")]          # always fails, but only 2 responses: no flag
    assert (rules["facility"], rules["points_lost"], rules["flags"], rules["enough_responses"]) == (0.0, 40.0, [], False)


def test_branches_and_where_points_are_lost():
    stats = scenario_statistics(REPORTS, min_responses=4)
    steps = {s["step"]: s for s in stats["steps"]}
    assert [s["step"] for s in stats["steps"]] == ["s1", "s2a", "s2b"]
    assert steps["s1"]["reached"] == 5
    assert steps["s1"]["branches"] == [{"next": "s2a", "count": 2, "share": 40.0},
                                       {"next": "s2b", "count": 2, "share": 40.0},
                                       {"next": None, "count": 1, "share": 20.0}]
    assert steps["s2a"]["branches"] == [{"next": None, "count": 2, "share": 100.0}]
    # s1 loses 40 (key point) + 18 (avoid) + 50 (tone) = 108 points over the five attempts
    assert steps["s1"]["points_lost"] == 108.0 and steps["s2a"]["points_lost"] == 15.0 and steps["s2b"]["points_lost"] == 40.0


def test_no_flag_before_the_default_minimum_of_20_responses():
    stats = scenario_statistics(REPORTS)
    assert stats["min_responses"] == 20
    assert all(cr["flags"] == [] for step in stats["steps"] for cr in step["criteria"])
    # the same five attempts four times over are 20 responses: the flags come back
    many = _by_label(scenario_statistics(REPORTS * 4))
    assert many[("s1", "亲")]["flags"] == ["negative_discrimination"]
    assert many[("s1", "亲")]["discrimination"] == -81.65
    assert many[("s1", "道歉")]["flags"] == ["always_fails"]
    assert many[("s1", "delete_message")]["flags"] == ["never_fails"]
    assert many[("s1", "5 分钟内")]["flags"] == []   # 16 responses (4 × 4): not yet


def test_step_order_given_and_empty_input():
    stats = scenario_statistics(REPORTS, step_order=["s1", "s2b", "s2a"])
    assert [s["step"] for s in stats["steps"]] == ["s1", "s2b", "s2a"]
    empty = scenario_statistics([])
    assert empty == {"attempts": 0, "min_responses": 20, "mean_score": None, "steps": []}


def test_kind_pass_rates():
    rates = {r["kind"]: r for r in kind_pass_rates(REPORTS)}
    # key_points: s1 3 of 5 pass, s2b 0 of 2 → 3/7 = 42.86 %
    assert rates["key_points"] == {"kind": "key_points", "responses": 7, "passes": 3, "pass_rate": 42.86}
    # tone: s1 0 of 5, s2a 1 of 2 → 1/7 = 14.29 %
    assert rates["tone"]["pass_rate"] == 14.29
    assert rates["response_time"]["responses"] == 4
