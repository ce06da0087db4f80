"""`rescore` applies the scorer's own arithmetic: no override gives the scorer's score back, and
passing a missing action equals scoring the transcript with the action taken."""
from __future__ import annotations

import pytest

from casebook.content import load_project
from casebook.scoring import Scorer
from casebook.trust.rescore import rescore
from tests.conftest import MINI, REPO


@pytest.fixture(scope="module")
def repo():
    return load_project(REPO)


@pytest.fixture(scope="module")
def scorer(repo):
    return Scorer(repo)


def test_no_override_gives_the_stored_score(repo, scorer):
    seen = capped = 0
    for case_id in sorted(repo.cases)[:12]:
        case = repo.cases[case_id].obj
        for golden in case.scenario.golden:
            report = scorer.score_golden(case, golden).as_dict()
            assert rescore(report, {})["score"] == report["score"], (case_id, golden.name)
            seen += 1
            capped += bool(report["caps"])
    assert seen >= 24 and capped >= 3


def test_passing_a_missing_action_equals_taking_it():
    mini = load_project(MINI)
    scorer = Scorer(mini)
    case = mini.cases["CASE-001"].obj
    reply = "您好，群内禁止发布广告，消息已删除，请您理解。"
    without = scorer.score(case, {"steps": [{"step": "s1", "actions": ["warn_member", "reply"], "reply": reply, "minutes": 1},
                                            {"step": "s2", "actions": ["reply"], "reply": "感谢您的配合！", "minutes": 1}]})
    taken = scorer.score(case, {"steps": [{"step": "s1", "actions": ["delete_message", "warn_member", "reply"],
                                           "reply": reply, "minutes": 1},
                                          {"step": "s2", "actions": ["reply"], "reply": "感谢您的配合！", "minutes": 1}]})
    report = without.as_dict()
    index = next(i for i, c in enumerate(report["criteria"]) if c["kind"] == "required_actions" and c["status"] == "fail")
    assert report["caps"] and without.score < taken.score
    assert rescore(report, {index: "pass"})["score"] == taken.score
