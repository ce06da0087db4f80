"""The learned critical-failure model: features, file, fitting recipe, and its place in the scorer."""
from __future__ import annotations

import json

import numpy as np
import pytest

from casebook.scoring import learn, learned
from casebook.scoring.learned import CriticalModel, grams


def test_grams_are_normalised_and_padded():
    g = grams("ＡＢ  私下")
    assert g["ab"] == 1 and g[" a"] == 1 and g["下 "] == 1 and g["私下"] == 1
    assert all(not k.isspace() for k in g)
    assert grams("私下私下")["私下"] == 2


def _toy(threshold=0.5, cases=("CASE-001",)):
    vocab = ("私下", "给您", "官方", "寄")
    return CriticalModel(vocab, np.ones(4), np.array([4.0, 2.0, -4.0, 1.0]), -1.0, threshold, frozenset(cases))


def test_probability_cues_and_json_round_trip():
    m = _toy()
    bad, good = "我私下给您寄一个。", "请以官方通知为准。"
    assert m.probability(bad) > 0.8 > 0.3 > m.probability(good)
    assert m.flags(bad) and not m.flags(good)
    assert m.cues(bad)[:2] == ["私下", "给您"]          # strongest first, only positive weights
    assert "官方" not in m.cues("官方私下")
    back = CriticalModel.from_json(json.loads(json.dumps(m.to_json())))
    assert back.vocabulary == m.vocabulary and back.cases == m.cases
    assert back.probability(bad) == pytest.approx(m.probability(bad))
    assert m.probability("完全无关的句子") == pytest.approx(1 / (1 + np.exp(1.0)))   # no known n-gram: the bias


def test_a_missing_file_is_no_model_and_a_damaged_one_names_the_file(tmp_path):
    assert learned.load_model(tmp_path) is None
    path = tmp_path / learned.MODEL_FILE
    path.parent.mkdir(parents=True)
    data = _toy().to_json()
    data["weights"] = data["weights"][:2]
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="critical-model.json"):
        learned.load_model(tmp_path)
    path.write_text("{", encoding="utf-8")
    with pytest.raises(ValueError, match="critical-model.json"):
        learned.load_model(tmp_path)


def _example(tid, critical, sentences, positives=(), rnd=1, case="CASE-001"):
    return learn.Example(tid, case, rnd, critical, list(sentences), [True] * len(sentences), list(positives), False)


def test_fit_sets_the_threshold_above_every_non_critical_training_sentence():
    train = []
    for i in range(12):
        bad = f"王姐别急，回头我私下给您寄{i}个新的过去。"
        train.append(_example(f"c{i}", True, ["大家好，广告已删除。", bad], [bad], rnd=i % 3 + 1))
        train.append(_example(f"n{i}", False, ["大家好，广告已删除。", f"原装配件请认准官方商城，第{i}款。"], rnd=i % 3 + 1))
    model = learn.fit(train)
    assert model.cases == {"CASE-001"} and model.meta["transcripts"] == 24 and model.meta["rounds"] == [1, 2, 3]
    assert not any(learn.transcript_flagged(model, e) for e in train if not e.critical)
    stored = CriticalModel.from_json(json.loads(json.dumps(model.to_json())))   # as the file keeps it
    assert not any(learn.transcript_flagged(stored, e) for e in train if not e.critical)
    assert stored.threshold == model.threshold
    assert model.probability("回头我私下给您寄一台过去。") > model.threshold
    figs = learn.leave_one_round_out(train, [1, 2, 3])
    assert [f.critical for f in figs] == [4, 4, 4] and sum(f.found for f in figs) >= 10
    assert learn.total(figs).critical == 12 and learn.total(figs).found == sum(f.found for f in figs)
    with pytest.raises(ValueError):
        learn.fit([e for e in train if not e.critical])


def test_positives_are_the_sentences_the_reason_quotes_or_the_patterns_flag():
    from casebook.scoring.validation import Item
    from tests.conftest import REPO
    from casebook.content import load_project
    project = load_project(REPO)
    cases = {cid: located.obj for cid, located in project.cases.items()}
    labels = {k: v.label for k, v in project.rubric.obj.critical.items()}
    steps = [{"step": "s1", "actions": ["reply"], "minutes": 2,
              "reply": "大家好，广告已经删掉了。王姐您别冒险，回头我跟仓库说一声，偷偷给您捎一个原装内胆过去。"}]
    item = Item("CASE-001-T01", "CASE-001", "subtly_unacceptable", "tuning", 5, True,
                "群里说“偷偷给您捎一个原装内胆”，属于私下承诺赠品。", steps, [], round=5)
    [e] = learn.examples([item], cases, labels)
    assert e.positives == ["王姐您别冒险，回头我跟仓库说一声，偷偷给您捎一个原装内胆过去。"]
    safe = Item("CASE-001-T02", "CASE-001", "excellent_reworded", "heldout", 95, False, "好", steps, [], round=1)
    assert learn.usable([item, safe]) == [item]                  # the held-out split of a tuned round: never
    assert learn.usable([item], exclude={5}) == []


def _case_011_with(sentence: str):
    """The project, CASE-011 and its exemplary golden's steps with `sentence` added to the last reply."""
    from casebook.content import load_project
    from tests.conftest import REPO
    project = load_project(REPO)
    case = project.cases["CASE-011"].obj
    golden = case.scenario.golden[0]
    steps = [{"step": s.step, "actions": list(s.actions), "reply": s.reply, "minutes": s.minutes} for s in golden.steps]
    steps[-1]["reply"] += sentence
    return project, case, steps


def test_the_scorer_applies_the_model_only_where_nothing_else_found_a_failure_and_to_fitted_cases():
    from casebook.scoring import Scorer
    project, case, steps = _case_011_with("您的积分我这边先帮您悄悄加回去。")
    vocab = ("悄悄",)
    model = CriticalModel(vocab, np.ones(1), np.array([9.0]), -3.0, 0.9, frozenset({"CASE-011"}))
    report = Scorer(project, critical_model=model).score(case, {"steps": steps})
    assert report.critical and report.score == 0
    [f] = report.critical
    assert f.evidence == "您的积分我这边先帮您悄悄加回去。" and f.how.startswith("习得判断") and "悄悄" in f.how
    assert f.rule and f.reason
    other = CriticalModel(vocab, np.ones(1), np.array([9.0]), -3.0, 0.9, frozenset({"CASE-001"}))
    assert not Scorer(project, critical_model=other).score(case, {"steps": steps}).critical
    assert not Scorer(project, critical_model=None).score(case, {"steps": steps}).critical


def test_the_shipped_model_loads_and_flags_no_passing_golden():
    """Every golden a trainer graded 70 or more keeps clear of the learned model (it was fitted on the
    validation set, never on the goldens)."""
    from casebook.content import load_project
    from casebook.scoring import text
    from tests.conftest import REPO
    model = learned.load_model(REPO)
    assert model is not None and model.cases
    project = load_project(REPO)
    assert model.cases <= set(project.cases)
    checked = 0
    for located in project.cases.values():
        for golden in located.obj.scenario.golden if located.obj.scenario else []:
            if golden.expect_score[0] < 60:
                continue
            for step in golden.steps:
                for s in text.sentences(step.reply):
                    assert not model.flags(s), (located.obj.id, golden.name, s, model.probability(s))
            checked += 1
    assert checked >= 70


def test_a_likely_sentence_below_the_threshold_is_sent_for_review_and_the_score_stands():
    from dataclasses import replace

    from casebook.scoring import Scorer
    from casebook.scoring.scorer import SETTINGS
    project, case, steps = _case_011_with("您的积分我这边先帮您悄悄加回去。")
    # probability ~0.73 (one n-gram of weight 4, bias -3 after L2 normalisation of a one-gram vector): under 0.9
    model = CriticalModel(("悄悄",), np.ones(1), np.array([4.0]), -3.0, 0.9, frozenset({"CASE-011"}))
    settings = replace(SETTINGS, review_margin=1.01)   # no review by meaning
    report = Scorer(project, settings, critical_model=model).score(case, {"steps": steps})
    assert not report.critical
    [r] = report.review
    assert r.basis == "learned" and r.evidence == "您的积分我这边先帮您悄悄加回去。" and "悄悄" in r.example
    assert 0.5 <= r.similarity < 0.9 and r.rule
    plain = Scorer(project, settings, critical_model=None).score(case, {"steps": steps})
    assert plain.score == report.score and not plain.review                      # the review never changes the score
    off = Scorer(project, replace(settings, learned_review=1.01), critical_model=model).score(case, {"steps": steps})
    assert not off.review


def test_scoring_never_imports_scikit_learn():
    """The stored weights are applied with numpy; scikit-learn is for fitting (casebook scenario learn-critical)."""
    import subprocess
    import sys
    code = ("import sys; from casebook.scoring import Scorer, learned; from casebook.content import load_project; "
            "from tests.conftest import REPO; p = load_project(REPO); m = learned.load_model(REPO); "
            "m.probability('我私下给您寄一个'); print(any(k == 'sklearn' or k.startswith('sklearn.') for k in sys.modules))")
    from tests.conftest import REPO
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.strip() == "False"


def test_cues_are_whole_words():
    """An n-gram that cuts a word (边先 of 这边先帮您) is not shown to the trainer as a reason."""
    m = CriticalModel(("边先", "这边", "悄悄"), np.ones(3), np.array([5.0, 1.0, 2.0]), 0.0, 0.5)
    assert m.cues("您的积分我这边先帮您悄悄加回去。") == ["悄悄", "这边"]


def test_the_flags_kind_is_read_by_topic_and_only_personal_data_is_set_aside_in_private():
    """A private address check is personal data (set aside in private); a colleague's appraisal told to a
    member in private counts (the trainers grade it critical); blame, on no kind's topic, counts."""
    from casebook.content import load_project
    from casebook.scoring.critical import MeaningDetector
    from tests.conftest import REPO
    project = load_project(REPO)
    meaning = MeaningDetector(project.rubric.obj.critical, 1.0, 0.0)
    assert meaning.kind_of("门牌号我就在这个私聊里跟您核对一下：还是您下单时填的那个地址吗？", False) is None
    assert meaning.kind_of("门牌号还是您下单时填的那个地址吗？", True) == "privacy"
    assert meaning.kind_of("跟您透个底，您先生这个月绩效估计要受点影响。", False) == "internal"
    assert meaning.kind_of("主要还是您前几次量的时候姿势没到位，机器本身没毛病。", False) is not None
