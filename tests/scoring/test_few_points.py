"""A reply that conveys (almost) none of its step's key points is a generic reply: the transcript is
capped once, the report says so first, and a trainer who passes the points lifts the cap."""
from __future__ import annotations

from dataclasses import replace

import pytest

from casebook.content import load_project
from casebook.scoring import Scorer
from casebook.scoring.rubric import FEW_POINTS
from casebook.scoring.scorer import SETTINGS
from casebook.trust.rescore import rescore
from tests.conftest import REPO

GENERIC = "感谢您的反馈，我们非常重视，会尽快为您处理，请耐心等待。"


@pytest.fixture(scope="module")
def project():
    return load_project(REPO)


def _steps(golden):
    return [{"step": s.step, "actions": list(s.actions), "reply": s.reply, "minutes": s.minutes} for s in golden.steps]


def test_a_generic_reply_caps_the_transcript_once(project):
    settings = replace(SETTINGS, cap_few_points=35, few_points_share=0.34)
    scorer = Scorer(project, settings)
    case = project.cases["CASE-024"].obj
    steps = _steps(case.scenario.golden[0])
    good = scorer.score(case, {"steps": steps})
    assert not any(c.reason.startswith(FEW_POINTS) for c in good.caps)
    for s in steps:
        s["reply"] = GENERIC
    generic = scorer.score(case, {"steps": steps})
    few = [c for c in generic.caps if c.reason.startswith(FEW_POINTS)]
    assert len(few) == 1 and few[0].step == steps[0]["step"] and few[0].rule
    assert generic.score <= 35 < good.score
    # off: the same transcript is not capped for it
    off = Scorer(project, replace(settings, cap_few_points=100)).score(case, {"steps": steps})
    assert not any(c.reason.startswith(FEW_POINTS) for c in off.caps)


def test_a_trainer_passing_the_points_lifts_the_cap(project):
    settings = replace(SETTINGS, cap_few_points=35, few_points_share=0.34)
    scorer = Scorer(project, settings)
    case = project.cases["CASE-024"].obj
    steps = _steps(case.scenario.golden[0])
    steps[0]["reply"] = GENERIC
    report = scorer.score(case, {"steps": steps}).as_dict()
    assert any(c["reason"].startswith(FEW_POINTS) for c in report["caps"])
    first = steps[0]["step"]
    overrides = {i: "pass" for i, c in enumerate(report["criteria"])
                 if c["step"] == first and c["kind"] == "key_points" and c["status"] == "fail"}
    lifted = rescore(report, overrides, settings)
    assert not any(c["reason"].startswith(FEW_POINTS) for c in lifted["caps"])
    assert lifted["score"] > report["score"]
    # and failing every point of a good step brings it
    good = scorer.score(case, {"steps": _steps(case.scenario.golden[0])}).as_dict()
    failed = {i: "fail" for i, c in enumerate(good["criteria"]) if c["step"] == first and c["kind"] == "key_points"}
    assert any(c["reason"].startswith(FEW_POINTS) for c in rescore(good, failed, settings)["caps"])
