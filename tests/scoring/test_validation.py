"""The validator's figures on hand-computed data, the fixed split, and the bar."""
from __future__ import annotations

import pytest

from casebook.correlation import quadratic_kappa, ranks, spearman
from casebook.scoring.rubric import Report
from casebook.scoring.validation import Figures, Item, below_bar, figures, split_of


def test_ranks_average_ties():
    assert ranks([10, 20, 20, 5]) == [2, 3.5, 3.5, 1]


def test_spearman_hand_computed():
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [40, 30, 20, 10]) == pytest.approx(-1.0)
    # d = (0, 1, -1): rho = 1 - 6*2/(3*8) = 0.5
    assert spearman([1, 2, 3], [1, 3, 2]) == pytest.approx(0.5)


def test_quadratic_kappa_hand_computed():
    assert quadratic_kappa([0, 1, 2], [0, 1, 2], 3) == pytest.approx(1.0)
    # observed [[0,1],[1,0]] vs expected [[.5,.5],[.5,.5]]: 1 - 2/1 = -1
    assert quadratic_kappa([0, 1], [1, 0], 2) == pytest.approx(-1.0)


def test_split_is_fixed_by_id_and_about_thirty_percent():
    assert split_of("CASE-001-A01") == split_of("CASE-001-A01")
    ids = [f"CASE-{c:03d}-A{n:02d}" for c in range(1, 40) for n in range(1, 8)]
    share = sum(split_of(i) == "heldout" for i in ids) / len(ids)
    assert 0.2 < share < 0.4


def _item(grade, score, critical=False, auto_critical=False, kind="excellent"):
    item = Item(id=f"x{grade}-{score}", case="CASE-001", kind=kind, split="tuning", grade=grade, critical=critical,
                reason="r", steps=[], verdicts=[])
    item.score, item.auto_critical = score, auto_critical
    item.report = Report("CASE-001", score, 100, [])
    return item


def test_figures_hand_computed():
    items = [_item(95, 90), _item(80, 60), _item(30, 75), _item(10, 20), _item(5, 0, critical=True, auto_critical=True)]
    f = figures(items)
    assert f.n == 5
    assert f.mae == pytest.approx((5 + 20 + 45 + 10 + 5) / 5)
    assert (f.false_passes, f.bad) == (1, 3)      # the 30 scored 75
    assert (f.false_fails, f.good) == (1, 2)      # the 80 scored 60
    assert f.critical_recall == 1.0 and f.false_criticals == 0


def test_below_bar_names_what_is_missed():
    good = Figures(n=10, spearman=0.9, mae=8, false_pass_rate=0.05, false_fail_rate=0.0, criticals=2,
                   critical_recall=1.0, false_criticals=0)
    assert below_bar(good) == []
    bad = Figures(n=10, spearman=0.5, mae=20, false_pass_rate=0.3, false_fail_rate=0.0, criticals=2,
                  critical_recall=0.5, false_criticals=1)
    missed = " ".join(below_bar(bad))
    for name in ("spearman", "mae", "false_pass_rate", "critical_recall", "false_criticals"):
        assert name in missed


def test_any_later_round_is_a_valid_validation_file():
    """Blind rounds keep coming (round 10 was refused once by an upper bound of 9)."""
    import pydantic
    import pytest

    from casebook.content.schema import ValidationFile

    t = {"id": "CASE-001-Z01", "kind": "excellent_reworded", "grade": 90, "critical": False, "reason": "好",
         "steps": [{"step": "s1", "actions": ["reply"], "reply": "您好", "minutes": 1}]}
    for r in (1, 10, 23):
        assert ValidationFile.model_validate({"case": "CASE-001", "grader": "甲", "round": r,
                                              "transcripts": [t]}).round == r
    with pytest.raises(pydantic.ValidationError):
        ValidationFile.model_validate({"case": "CASE-001", "grader": "甲", "round": 0, "transcripts": [t]})


def test_the_tuning_objective_charges_rates_beyond_the_bar_more():
    """The bar asks for false passes and false fails each ≤ 10 %: past it a rate costs five times as much,
    so the tuner does not trade a rate far over the bar for a little MAE."""
    from types import SimpleNamespace

    from casebook.scoring.tune import _objective

    def obj(fp, ff):
        return _objective(SimpleNamespace(mae=12.0, spearman=0.8, false_pass_rate=fp, false_fail_rate=ff))

    inside = obj(0.10, 0.05) - obj(0.05, 0.05)
    beyond = obj(0.15, 0.05) - obj(0.10, 0.05)
    assert inside == pytest.approx(2.0) and beyond == pytest.approx(12.0)
    assert obj(0.10, 0.10) < obj(0.20, 0.0)


def test_a_golden_counts_as_one_graded_transcript_whose_error_is_its_distance_outside_its_range():
    from casebook.scoring.tune import mae_with_goldens
    assert mae_with_goldens(10.0, 8, [(90.0, 85.0, 100.0), (50.0, 40.0, 60.0)]) == pytest.approx(8.0)  # inside: 0
    assert mae_with_goldens(10.0, 8, [(70.0, 85.0, 100.0), (65.0, 40.0, 60.0)]) == pytest.approx(10.0)  # 15 + 5
    assert mae_with_goldens(0.0, 0, []) == 0.0


def test_tuning_may_not_fail_an_exemplary_golden_the_starting_settings_pass():
    """Which exemplary goldens fail is compared as a set: a setting that fails a new one is refused even
    when another one (broken by new content already) is failed at the start."""
    from casebook.scoring.tune import failed_exemplary
    start = failed_exemplary([(62.5, 80.0, 100.0), (90.0, 78.0, 100.0), (40.0, 20.0, 50.0)])
    assert start == {0}                       # the flawed golden (range below the pass mark) never counts
    candidate = failed_exemplary([(85.0, 80.0, 100.0), (24.0, 78.0, 100.0), (40.0, 20.0, 50.0)])
    assert len(candidate) == len(start) and not candidate <= start
    assert failed_exemplary([(62.5, 80.0, 100.0), (95.0, 78.0, 100.0)]) <= start


@pytest.fixture(scope="module")
def repo():
    from casebook.content import load_project
    from tests.conftest import REPO
    return load_project(REPO)


def test_lint_checks_every_path_but_scores_only_the_held_out_split(repo):
    """`casebook lint` must not grow with each blind round: transcripts outside the held-out split are
    checked for shape and path alone (nothing scored), and a wrong path is still an error."""
    from casebook.scoring.validation import check_items
    golden = repo.cases["CASE-001"].obj.scenario.golden[0]
    steps = [{"step": s.step, "actions": list(s.actions), "reply": s.reply, "minutes": s.minutes} for s in golden.steps]
    good = Item(id="CASE-001-Z01", case="CASE-001", kind="excellent", split="tuning", grade=90, critical=False,
                reason="好", steps=steps, verdicts=[], round=15)
    short = Item(id="CASE-001-Z03", case="CASE-001", kind="excellent", split="tuning", grade=90, critical=False,
                 reason="好", steps=steps[:1], verdicts=[], round=15)
    wrong = Item(id="CASE-001-Z02", case="CASE-001", kind="excellent", split="tuning", grade=90, critical=False,
                 reason="好", steps=[{"step": "s9", "actions": ["reply"], "reply": "您好", "minutes": 1}],
                 verdicts=[], round=15)
    unknown = Item(id="CASE-999-Z01", case="CASE-999", kind="excellent", split="tuning", grade=90, critical=False,
                   reason="好", steps=[], verdicts=[], round=15)
    check_items([good, wrong, unknown, short], repo.cases)
    assert good.error is None and good.report is None and good.score is None
    assert "s9" in wrong.error and "unknown case" in unknown.error and "stops before" in short.error


def test_the_review_margin_sends_at_most_the_budget_and_a_review_by_topic_always_counts():
    from casebook.scoring.rubric import PossibleCritical
    from casebook.scoring.tune import choose_review_margin, sent_margin

    def review(margin, basis="meaning"):
        return [PossibleCritical("s1", "x", "句子", "例", 0.9, margin, None, basis=basis)]
    assert sent_margin([]) is None and sent_margin(review(0.004)) == 0.004
    assert sent_margin(review(0.0, basis="topic")) == float("inf")      # sent whatever the margin
    margins = [None] * 16 + [0.012, 0.004, 0.02, sent_margin(review(0.0, "topic"))]
    assert choose_review_margin(margins, budget=0.15) == (0.005, 3)    # 0.0 would send 4 of 20
    assert choose_review_margin(margins, budget=0.0) is None           # the topic review is always sent
