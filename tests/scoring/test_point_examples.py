"""Key points with labelled example wordings: accepted wordings are good neighbours, a clause nearer a
rejected wording than any good one does not earn the point, and a rejected wording of the other polarity
is how the matcher recognises the opposite."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from casebook.content import load_project
from casebook.scoring import Scorer
from casebook.scoring.matcher import FEATURES_EX, PointMatch
from tests.conftest import REPO

POINT = "HEPA滤芯不能水洗"
EXAMPLES = {POINT: SimpleNamespace(accept=["HEPA滤网千万别用水冲洗", "The HEPA filter must not be washed with water."],
                                   reject=["滤芯的事您问售后吧"], opposite=["HEPA滤芯可以用水冲洗"]),
            "15分钟内私聊回复您": SimpleNamespace(accept=["一刻钟内我私聊答复您", "I'll DM you within 15 minutes."],
                                             reject=["我会尽快回复您", "30分钟内回复您"]),
            "马上为您查询退款进度": SimpleNamespace(accept=["我这就帮您查一下退款走到哪一步了"],
                                              reject=["退款进度您可以自己在App里查看"])}


@pytest.fixture(scope="module")
def matcher():
    return Scorer(load_project(REPO)).matcher


def test_a_reply_worded_like_an_accepted_example_earns_the_point(matcher):
    [m] = matcher.match_text([POINT], "提醒一下，HEPA滤网千万别用水冲洗，会影响过滤效果。", "CASE-TEST", EXAMPLES)
    conveyed, contradicted = matcher.verdict(m)
    assert conveyed and not contradicted
    assert set(FEATURES_EX) <= set(m.features)


def test_a_reply_nearest_a_rejected_wording_does_not(matcher):
    """A vague version of the same polarity: not conveyed, not the opposite, and the report names it."""
    [m] = matcher.match_text(["15分钟内私聊回复您"], "我们会尽快回复您的。", "CASE-TEST", EXAMPLES)
    conveyed, contradicted = matcher.verdict(m)
    assert not conveyed and not contradicted
    assert m.near_miss == "我会尽快回复您"


def test_the_report_names_the_near_miss():
    """A point not conveyed whose closest span is nearer a rejected wording says which one, in words an
    agent understands."""
    m = PointMatch("马上为您查询退款进度", "退款进度您自己在App里看", "退款进度您自己在App里看。", 0.2,
                   {"sim": 0.92, "near_miss": 0.03, "reject_sim": 0.95, "near_miss_flip": 0.0}, False,
                   "退款进度您可以自己在App里查看")
    assert m.explain(0.90) == "说法更像培训中列为不合格的「退款进度您可以自己在App里查看」"
    assert not m.contradicts(0.93, 0.5)
    # a span only loosely like the rejected wording (a greeting is "nearest" to something too) is not blamed on it
    assert m.explain(0.96) == "未充分表达该要点"


def test_the_opposite_is_recognised_through_a_rejected_wording_of_the_other_polarity(matcher):
    [m] = matcher.match_text([POINT], "HEPA滤芯可以用水冲洗，晾干就行。", "CASE-TEST", EXAMPLES)
    conveyed, contradicted = matcher.verdict(m)
    assert not conveyed and contradicted


def test_a_negated_restatement_is_not_taken_for_the_opposite(matcher):
    """Embeddings hardly see negation: the span must share the rejected wording's polarity."""
    [m] = matcher.match_text([POINT], "HEPA滤芯不可以用水冲洗。", "CASE-TEST", EXAMPLES)
    assert not matcher.verdict(m)[1]


def test_examples_change_the_verdict_against_the_point_alone(matcher):
    """Without examples the same opposite wording is judged by the bare polarity heuristic; with them, by its
    labelled neighbours — the feature set differs, so the second model is the one used."""
    reply = "我们会尽快回复您的。"
    [plain] = matcher.match_text(["15分钟内私聊回复您"], reply, "CASE-TEST")
    [labelled] = matcher.match_text(["15分钟内私聊回复您"], reply, "CASE-TEST", EXAMPLES)
    assert "near_miss" not in plain.features and "near_miss" in labelled.features
    assert labelled.prob < plain.prob


def test_every_scenario_key_point_has_labelled_wordings():
    """The content keeps examples for every key point (a new case without them falls back to the
    point-only model, which validates worse)."""
    project = load_project(REPO)
    missing = [(cid, s.id, p) for cid, loc in project.cases.items() if loc.obj.scenario
               for s in loc.obj.scenario.steps for p in s.expect.key_points if p not in s.expect.examples]
    assert not missing


def test_a_wording_the_authors_marked_opposite_counts_even_without_a_negation(matcher):
    """"咨询量减少了" is the opposite of "咨询量上升" with no negator on either side: the polarity rule cannot
    see it; the authors' `opposite` label, at the tuned similarity, does — and only when the span is that
    close to it."""
    from casebook.scoring.matcher import PointMatcher
    point = "原因之二是午间咨询量上升"
    examples = {point: SimpleNamespace(accept=["中午来问的人比以前多了"], reject=["原因还在查"],
                                       opposite=["午间咨询量比上个月减少了"])}
    [m] = matcher.match_text([point], "其实午间咨询量比上个月减少了。", "CASE-TEST", examples)
    assert m.features["near_miss_opposite"] == 1.0 and m.features["near_miss_flip"] == 0.0
    on = PointMatcher(matcher.background, matcher.model, matcher.contra_sim, matcher.contra_coverage,
                      matcher.model_examples, contra_label_sim=0.94)
    off = PointMatcher(matcher.background, matcher.model, matcher.contra_sim, matcher.contra_coverage,
                       matcher.model_examples, contra_label_sim=1.01)
    assert on.verdict(m) == (False, True)
    assert off.verdict(m)[1] is False
    # the same label on a loosely related span does not fire
    [far] = matcher.match_text([point], "大家中午好，欢迎提问。", "CASE-TEST", examples)
    assert on.verdict(far)[1] is False


def test_a_span_surely_conveying_the_point_is_not_its_opposite_when_capped():
    """contra_max_prob: a contradiction needs the model to doubt that the span conveys the point."""
    from casebook.scoring.matcher import PointMatcher
    f = {"sim": 0.95, "near_miss": 0.01, "reject_sim": 0.956, "near_miss_flip": 0.0, "near_miss_opposite": 1.0}
    sure = PointMatch("修改后的规则要先审核再上线", "改后先审核再上线", "改后先审核再上线。", 0.97, f, True,
                      "改好后先上线，出了问题再审核")
    doubtful = PointMatch(sure.point, sure.span, sure.sentence, 0.52, f, True, sure.near_miss)
    capped = PointMatcher(None, None, contra_label_sim=0.94, contra_max_prob=0.8)
    unlimited = PointMatcher(None, None, contra_label_sim=0.94)
    assert capped.verdict(sure) == (True, False)
    assert capped.verdict(doubtful) == (False, True)
    assert unlimited.verdict(sure) == (False, True)
