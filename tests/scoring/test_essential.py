"""Essential key points: a reply that says an essential point nowhere is capped; the report says which."""
from __future__ import annotations

import pytest

from casebook.content import load_project
from casebook.scoring import Scorer
from casebook.scoring.scorer import SETTINGS
from casebook.trust.rescore import rescore


@pytest.fixture
def essential_case(mini):
    """The mini case with its s1 point 说明群内禁止广告 marked essential."""
    path = next((mini / "cases").glob("001-*.yml"))
    text = path.read_text(encoding="utf-8")
    assert "key_points: [说明群内禁止广告]" in text
    path.write_text(text.replace("key_points: [说明群内禁止广告]",
                                 "key_points:\n          - point: 说明群内禁止广告\n            essential: true"), encoding="utf-8")
    project = load_project(mini)
    return project, project.cases["CASE-001"].obj


def steps(s1_reply):
    return {"steps": [{"step": "s1", "actions": ["delete_message", "warn_member", "reply"], "reply": s1_reply, "minutes": 2},
                      {"step": "s2", "actions": ["reply"], "reply": "感谢您的配合！", "minutes": 1}]}


def test_the_schema_keeps_essential_points(essential_case):
    _, case = essential_case
    assert case.scenario.steps[0].expect.essential == ["说明群内禁止广告"]
    assert case.scenario.steps[0].expect.key_points == ["说明群内禁止广告"]
    assert case.scenario.steps[1].expect.essential == []


def test_an_essential_point_said_nowhere_caps_the_score(essential_case):
    project, case = essential_case
    scorer = Scorer(project)
    assert SETTINGS.cap_essential < 100
    good = scorer.score(case, steps("您好，群内禁止发布广告，消息已删除，请您理解。"))
    assert not [c for c in good.caps if "必备要点" in c.reason]
    missed = scorer.score(case, steps("您好，消息已经处理了，有问题随时找我。"))
    caps = [c for c in missed.caps if "必备要点" in c.reason]
    assert caps and caps[0].cap == SETTINGS.cap_essential and "说明群内禁止广告" in caps[0].reason
    assert missed.score <= SETTINGS.cap_essential
    # a trainer who accepts the agent's dispute of that point lifts the cap with it
    report = missed.as_dict()
    index = next(i for i, c in enumerate(report["criteria"]) if c["kind"] == "key_points" and c["label"] == "说明群内禁止广告")
    assert rescore(report, {})["score"] == report["score"]
    lifted = rescore(report, {index: "pass"})
    assert not [c for c in lifted["caps"] if "必备要点" in c["reason"]] and lifted["score"] > SETTINGS.cap_essential


def test_a_point_that_is_not_essential_only_costs_its_deduction(mini):
    project = load_project(mini)
    case = project.cases["CASE-001"].obj
    report = Scorer(project).score(case, steps("您好，消息已经处理了，有问题随时找我。"))
    assert not [c for c in report.caps if "必备要点" in c.reason]
