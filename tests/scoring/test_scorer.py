"""The scorer: each criterion kind, critical failures, branching, goldens and the adversarial set."""
from __future__ import annotations

import pytest

from casebook.content import load_project
from casebook.scoring import TranscriptError, register_rules, score, score_golden
from casebook.scoring.critical import check_reply
from tests.conftest import MINI, REPO

from .adversarial import adversarial_transcripts

# Flawed goldens whose expect_score the rubric cannot reach without over-fitting (reported to the lead).
KNOWN_OUT_OF_RANGE: set = set()  # every golden must score inside its range


@pytest.fixture(scope="module")
def repo():
    project = load_project(REPO)
    register_rules(project.rules)
    return project


@pytest.fixture(scope="module")
def mini_case():
    return load_project(MINI).cases["CASE-001"].obj


def turn(step, actions, reply, minutes=1):
    return {"step": step, "actions": actions, "reply": reply, "minutes": minutes}


GOOD_S1 = turn("s1", ["delete_message", "warn_member", "reply"], "您好，群内禁止发布广告，消息已删除，请您理解。", 2)
GOOD_S2 = turn("s2", ["reply"], "感谢您的配合！")


def by_kind(report, step, kind):
    return [c for c in report.criteria if c.step == step and c.kind == kind]


def test_exemplary_passes_everything(mini_case):
    report = score(mini_case, {"steps": [GOOD_S1, GOOD_S2]})
    assert report.score == 100 and not report.critical
    assert report.path == ["s1", "s2"]


def test_required_actions(mini_case):
    s1 = dict(GOOD_S1, actions=["delete_message", "reply"])
    report = score(mini_case, {"steps": [s1, GOOD_S2]})
    warn = [c for c in by_kind(report, "s1", "required_actions") if "warn_member" in c.label][0]
    assert warn.status == "fail" and warn.rule


def test_forbidden_actions_and_branching(mini_case):
    s1 = dict(GOOD_S1, actions=["remove_member", "reply"])
    report = score(mini_case, {"steps": [s1, turn("s2_complaint", ["reply"], "非常抱歉，您可以在7天内申诉。")]})
    assert report.path == ["s1", "s2_complaint"]
    assert by_kind(report, "s1", "forbidden_actions")[0].status == "fail"
    with pytest.raises(TranscriptError):
        score(mini_case, {"steps": [s1, GOOD_S2]})  # remove_member leads to s2_complaint


def test_key_points_evidence(mini_case):
    report = score(mini_case, {"steps": [GOOD_S1, GOOD_S2]})
    point = by_kind(report, "s1", "key_points")[0]
    assert point.status == "pass" and "相似度" in point.evidence and "禁止" in point.evidence
    off = score(mini_case, {"steps": [dict(GOOD_S1, reply="您好，今天天气不错，祝您周末愉快。"), GOOD_S2]})
    assert by_kind(off, "s1", "key_points")[0].status == "fail"


def test_avoid(mini_case):
    report = score(mini_case, {"steps": [dict(GOOD_S1, reply="您好，群内禁止广告，再发就滚。"), GOOD_S2]})
    assert by_kind(report, "s1", "avoid")[0].status == "fail"


def test_tone(mini_case):
    report = score(mini_case, {"steps": [dict(GOOD_S1, reply="群内禁止发广告，是你自己没看群规。"), GOOD_S2]})
    tone = {c.label: c.status for c in by_kind(report, "s1", "tone")}
    assert tone["语气礼貌，不指责、不敷衍"] == "fail" and tone["称呼“您”"] == "fail"
    complaint = score(mini_case, {"steps": [dict(GOOD_S1, actions=["remove_member", "reply"]),
                                            turn("s2_complaint", ["reply"], "您可以在7天内申诉。")]})
    apology = [c for c in by_kind(complaint, "s2_complaint", "tone") if c.label == "致歉或共情"][0]
    assert apology.status == "fail"


def test_response_time_and_scale(mini_case):
    late = score(mini_case, {"steps": [dict(GOOD_S1, minutes=9), GOOD_S2]})
    assert by_kind(late, "s1", "response_time")[0].status == "fail"
    assert score(mini_case, {"steps": [GOOD_S1, GOOD_S2]}).score > late.score


def test_na_excluded(mini_case):
    report = score(mini_case, {"steps": [GOOD_S1, GOOD_S2]})
    assert any(c.status == "na" for c in report.criteria) or report.score == 100


@pytest.mark.parametrize("reply,public,reason", [
    ("您的电话13800001234我记下了", True, "手机号"),
    ("收件地址是翠湖小区5栋802", True, "住址"),
    ("身份证110101199003071234已核对", True, "身份证"),
    ("邮箱 lin@example.com 已登记", True, "邮箱"),
    ("你个傻逼", True, "辱骂"),
    ("我们给您赔偿500元", True, "赔偿"),
    ("请把收到的验证码发给我", False, "验证码"),
    ("请先转账100元押金", False, "付款"),
])
def test_critical_failures(mini_case, reply, public, reason):
    assert any(reason in c.reason for c in check_reply(reply, public)), check_reply(reply, public)
    report = score(mini_case, {"steps": [dict(GOOD_S1, reply=reply, actions=GOOD_S1["actions"] + ([] if public else ["private_message"])), GOOD_S2]})
    assert report.score == 0 and report.critical


@pytest.mark.parametrize("reply", ["官方不会索要验证码，请勿转账", "赔偿以售后组核实确认为准", "您的手机号138****1234已隐藏",
                                   "私聊里提供一下您订单号后4位"])
def test_not_critical(reply):
    assert check_reply(reply, True) == []


def test_bad_transcripts(mini_case):
    for bad in ({}, {"steps": []}, {"steps": [{"actions": []}]}, {"steps": [turn("s9", [], "")]},
                {"steps": [turn("s1", ["fly"], "")]}, {"steps": [GOOD_S1]}):
        with pytest.raises(TranscriptError):
            score(mini_case, bad)


def _goldens(project):
    for case_id, located in sorted(project.cases.items()):
        if located.obj.scenario:
            for golden in located.obj.scenario.golden:
                yield located.obj, golden


def test_real_goldens_in_range(repo):
    wrong = []
    for case, golden in _goldens(repo):
        report = score_golden(case, golden)
        low, high = golden.expect_score
        if not low <= report.score <= high and (case.id, golden.name) not in KNOWN_OUT_OF_RANGE:
            wrong.append((case.id, golden.name, report.score, golden.expect_score))
    assert wrong == []


def test_adversarial_set(repo):
    """Each gaming reply scores at least 25 points below the exemplary golden of its case."""
    failures = []
    for case_id, located in sorted(repo.cases.items()):
        case = located.obj
        if case.scenario is None:
            continue
        exemplary = max(case.scenario.golden, key=lambda g: g.expect_score[0])
        best = score_golden(case, exemplary).score
        for name, transcript in adversarial_transcripts(case, exemplary):
            got = score(case, transcript).score
            if got > best - 25:
                failures.append((case_id, name, got, best))
    assert failures == []


def test_personal_data_in_any_written_form_is_critical():
    """The scorer shares search's redaction patterns: spaced or +86 numbers count, masked tails do not."""
    for reply in ("您的手机号是 138 0000 1234", "+86 13800001234 请回电", "邮箱 a.b@example.com"):
        assert check_reply(reply, public=True), reply
    assert check_reply("已核对您尾号 138****1234 的订单", public=True) == []
    assert check_reply("您的手机号是 138 0000 1234", public=False) == []
