"""The learned contradiction models: a point a reply does not convey is told apart as contradicted (the
reply says its opposite) or merely left out; a point the matcher credits loses the credit when its span
says the opposite (the reversal model); the blind labels both are fitted on are lint-checked."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from casebook.content import load_project
from casebook.scoring import Scorer
from casebook.scoring.lint_check import _contradiction_labels
from casebook.scoring.matcher import (CONTRA_FEATURES, REVERSAL_FEATURES, MatchModel, PointMatch, PointMatcher,
                                      reversal_features)
from casebook.scoring.tune import _overlaps
from tests.conftest import REPO

POINT = "HEPA滤芯不能水洗"
EXAMPLES = {POINT: SimpleNamespace(accept=["HEPA滤网千万别用水冲洗"], reject=["滤芯的事您问售后吧"],
                                   opposite=["HEPA滤芯可以用水冲洗"])}


@pytest.fixture(scope="module")
def matcher():
    return Scorer(load_project(REPO)).matcher


def test_the_shipped_scorer_uses_a_learned_contradiction_model(matcher):
    assert matcher.contra_model is not None
    assert len(matcher.contra_model.weights) == len(CONTRA_FEATURES)


def test_saying_the_opposite_is_a_contradiction_and_names_the_words(matcher):
    reply = "谢谢老周补充。HEPA滤芯脏了用清水冲一冲，晾干还能接着用。"
    [m] = matcher.match_text([POINT], reply, "CASE-TEST", EXAMPLES)
    conveyed, contradicted = matcher.verdict(m)
    assert not conveyed and contradicted
    assert "清水冲" in m.contra_span


def test_leaving_the_point_out_is_not_a_contradiction(matcher):
    reply = "谢谢老周补充，滤网的问题我们私聊帮您看看。"
    [m] = matcher.match_text([POINT], reply, "CASE-TEST", EXAMPLES)
    assert matcher.verdict(m) == (False, False)


def test_the_contradiction_model_judges_only_points_not_conveyed():
    """The contradiction model is asked only about points not conveyed: a sure contradiction probability on
    a point the matcher credits changes nothing (that is the reversal model's part)."""
    model = MatchModel(tuple([0.0] * len(CONTRA_FEATURES)), 10.0, threshold=0.8)
    pm = PointMatcher(None, None, contra_model=model)
    passed = PointMatch(POINT, "x", "x", 0.9, {}, True, contra_prob=0.99, contra_span="x", reversal_prob=0.99)
    failed = PointMatch(POINT, "x", "x", 0.1, {}, False, contra_prob=0.99, contra_span="x")
    doubtful = PointMatch(POINT, "x", "x", 0.1, {}, False, contra_prob=0.5, contra_span="x")
    assert pm.verdict(passed) == (True, False)
    assert pm.verdict(failed) == (False, True)
    assert pm.verdict(doubtful) == (False, False)


def test_the_reversal_model_withdraws_credit_from_a_span_that_says_the_opposite():
    """A point the matcher credits is contradicted when the reversal model is at least its threshold sure
    that the credited span says the point the other way round; below it, the credit stands; a point not
    conveyed is never "reversed"."""
    contra = MatchModel(tuple([0.0] * len(CONTRA_FEATURES)), -10.0, threshold=0.8)
    reversal = MatchModel(tuple([0.0] * len(REVERSAL_FEATURES)), 0.0, threshold=0.9)
    pm = PointMatcher(None, None, contra_model=contra, reversal_model=reversal)
    sure = PointMatch(POINT, "x", "x", 0.9, {}, True, reversal_prob=0.95)
    unsure = PointMatch(POINT, "x", "x", 0.9, {}, True, reversal_prob=0.6)
    missing = PointMatch(POINT, "x", "x", 0.1, {}, False, reversal_prob=0.99)
    assert pm.verdict(sure) == (False, True) and pm.reversed(sure)
    assert pm.verdict(unsure) == (True, False)
    assert pm.verdict(missing) == (False, False) and not pm.reversed(missing)


def test_reversal_features_are_the_credited_span_and_the_most_contradicting_one():
    contra = np.arange(3 * len(CONTRA_FEATURES), dtype=np.float32).reshape(3, len(CONTRA_FEATURES))
    x = reversal_features(contra, np.array([0.1, 0.7, 0.3]), 2)
    assert len(x) == len(REVERSAL_FEATURES)
    assert list(x[:len(CONTRA_FEATURES)]) == list(contra[2])
    assert x[-2] == pytest.approx(0.3) and x[-1] == pytest.approx(0.7)


def test_the_shipped_scorer_uses_a_reversal_model_that_is_switched_on(matcher):
    assert matcher.reversal_model is not None
    assert len(matcher.reversal_model.weights) == len(REVERSAL_FEATURES)
    assert matcher.reversal_model.threshold <= 1.0


def test_the_report_caps_a_contradiction_and_quotes_the_contradicting_words():
    project = load_project(REPO)
    scorer = Scorer(project)
    case = project.cases["CASE-024"].obj
    step = case.scenario.steps[0]
    assert "HEPA滤芯不能水洗" in step.expect.key_points
    golden = case.scenario.golden[0]
    steps = [{"step": s.step, "actions": list(s.actions), "reply": s.reply, "minutes": s.minutes} for s in golden.steps]
    good = scorer.score(case, {"steps": steps})
    steps[0]["reply"] = ("谢谢老周帮忙解答！背面的初效滤网可以水洗。里面白色的HEPA滤芯脏得不厉害的话，用清水轻轻冲一下，"
                         "彻底晾干还能继续用。转发文章请注明来源。")
    bad = scorer.score(case, {"steps": steps})
    caps = [c for c in bad.caps if "相反" in c.reason]
    assert caps and "清水" in caps[0].reason
    assert bad.score <= scorer.settings.cap_opposite < good.score


def test_span_overlap_for_training_labels():
    assert _overlaps("用清水轻轻冲一下", "用清水轻轻冲一下，彻底晾干也还能再用一阵")
    assert not _overlaps("转发文章请注明来源", "用清水轻轻冲一下，彻底晾干也还能再用一阵")


def test_lint_names_file_and_line_of_a_label_that_does_not_fit_its_transcript(tmp_path):
    folder = tmp_path / "cases" / "scoring"
    folder.mkdir(parents=True)
    (folder / "contradictions-x.yml").write_text(
        "labeller: 甲\ncovered: [CASE-001]\nrounds: [1]\ncontradictions:\n"
        "  - transcript: CASE-001-Z01\n    step: s1\n    point: 要点甲\n    says: 可以水洗\n"
        "  - transcript: CASE-001-Z01\n    step: s1\n    point: 要点乙\n    says: 可以水洗\n"
        "  - transcript: CASE-001-Z01\n    step: s1\n    point: 要点甲\n    says: 不在回复里的话\n"
        "  - transcript: CASE-001-Z09\n    step: s1\n    point: 要点甲\n    says: 可以水洗\n"
        "  - transcript: CASE-002-Z02\n    step: s1\n    point: 要点甲\n    says: 可以水洗\n", encoding="utf-8")
    (folder / "contradictions-y.yml").write_text(
        "labeller: 乙\nrounds: [1]\ncontradictions:\n  - transcript: CASE-001-Z01\n    step: s1\n", encoding="utf-8")
    (folder / "contradictions-z.yml").write_text("labeller: 丙\ncontradictions: []\n", encoding="utf-8")
    verdicts = [("s1", {"key_points": {"要点甲": False, "要点乙": True}})]
    item = SimpleNamespace(id="CASE-001-Z01", case="CASE-001", round=1, verdicts=verdicts,
                           steps=[{"step": "s1", "reply": "滤芯可以水洗的。"}])
    other = SimpleNamespace(id="CASE-002-Z02", case="CASE-002", round=2, verdicts=verdicts,
                            steps=[{"step": "s1", "reply": "滤芯可以水洗的。"}])
    problems = _contradiction_labels(SimpleNamespace(root=tmp_path), [item, other])
    x = sorted((p.line, p.message) for p in problems if p.path.endswith("contradictions-x.yml"))
    assert [line for line, _ in x] == [9, 13, 17, 21]
    assert "did not mark '要点乙'" in x[0][1]
    assert "is not in the reply" in x[1][1]
    assert "no validation transcript CASE-001-Z09" in x[2][1]
    assert "outside what the labels cover" in x[3][1] and "round 2" in x[3][1]  # neither its case nor its round
    y = [p for p in problems if p.path.endswith("contradictions-y.yml")]
    assert y and y[0].line == 4 and "point" in y[0].message   # a malformed file: the schema names the line
    z = [p for p in problems if p.path.endswith("contradictions-z.yml")]
    assert z and "rounds" in z[0].message  # what a file's labels cover must be said
    assert all(p.severity == "error" for p in problems)


def test_only_transcripts_the_labellers_went_through_teach_the_model():
    """A transcript of a round no labeller covered may hold an unlabelled contradiction: its spans must not
    be taken as examples of a point merely left out."""
    from casebook.scoring.tune import contra_examples
    from casebook.scoring.validation import ContradictionLabels, load_set
    project = load_project(REPO)
    scorer = Scorer(project)
    items = [i for i in load_set(REPO) if i.case == "CASE-024" and i.round == 1][:3]
    assert items
    covered = ContradictionLabels([], frozenset({("CASE-024", 1)}))
    elsewhere = ContradictionLabels([], frozenset({("CASE-024", 2), ("CASE-023", 1)}))
    x, y = contra_examples(scorer, items, project.cases, covered)
    assert len(y) > 0 and not y.any()   # no label: every span of a point not conveyed is an example of "left out"
    x, y = contra_examples(scorer, items, project.cases, elsewhere)
    assert len(y) == 0


def test_reversal_examples_are_the_credited_points_of_covered_transcripts_labelled_by_the_trainers():
    from casebook.scoring.tune import reversal_examples
    from casebook.scoring.validation import Contradiction, ContradictionLabels, load_set
    project = load_project(REPO)
    scorer = Scorer(project)
    items = [i for i in load_set(REPO) if i.case == "CASE-024" and i.round == 1][:3]
    covered = ContradictionLabels([], frozenset({("CASE-024", 1)}))
    x, y = reversal_examples(scorer, items, project.cases, covered)
    assert len(y) > 0 and not y.any() and x.shape[1] == len(REVERSAL_FEATURES)
    # a label on a credited point makes it a positive example; a transcript not covered teaches nothing
    item = items[0]
    facts = scorer.analyse(project.cases["CASE-024"].obj, {"steps": item.steps})
    credited = next((f.step.id, m.point) for f in facts for m in f.matches if m.passed)
    label = Contradiction(item.id, credited[0], credited[1], "x", "contradictions-t.yml", 1)
    x, y = reversal_examples(scorer, items, project.cases, ContradictionLabels([label], covered.covered))
    assert y.sum() == 1
    assert len(reversal_examples(scorer, items, project.cases,
                                 ContradictionLabels([], frozenset({("CASE-023", 1)})))[1]) == 0
