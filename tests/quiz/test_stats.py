"""Item statistics on a synthetic response matrix with known values."""
from __future__ import annotations

import pytest

from casebook.quiz.stats import cronbach_alpha, item_statistics, pearson, to_csv

# 5 attempts × 3 questions; Q3 is answered right by the weak and wrong by the strong.
ROWS = [
    {"Q1": 1, "Q2": 1, "Q3": 0},
    {"Q1": 1, "Q2": 1, "Q3": 0},
    {"Q1": 1, "Q2": 0, "Q3": 0},
    {"Q1": 0, "Q2": 0, "Q3": 1},
    {"Q1": 0, "Q2": 0, "Q3": 1},
]


def test_facility_and_discrimination():
    stats = {s["question_id"]: s for s in item_statistics(ROWS, min_responses=5)}
    assert stats["Q1"]["facility"] == 60.0 and stats["Q2"]["facility"] == 40.0 and stats["Q3"]["facility"] == 40.0
    # Q1 = [1,1,1,0,0] vs its rest (Q2+Q3) = [1,1,0,1,1]: cov = 0.4 - 0.6*0.8 = -0.08,
    # sd 0.4899 and 0.4 → r = -0.4082
    assert stats["Q1"]["discrimination"] == -40.82 and stats["Q1"]["negative_discrimination"]
    # Q3 = [0,0,0,1,1] vs rest [2,2,1,0,0]: cov = 0 - 0.4*1.0 = -0.4, sd 0.4899 × 0.8944 → r = -0.9129
    assert stats["Q3"]["discrimination"] == -91.29 and stats["Q3"]["negative_discrimination"]
    # Q2's rest score (Q1+Q3) is 1 for everyone: the correlation is undefined, not flagged
    assert stats["Q2"]["discrimination"] is None and not stats["Q2"]["negative_discrimination"]
    positive = item_statistics([{"A": 1, "B": 1}, {"A": 1, "B": 1}, {"A": 0, "B": 0}, {"A": 1, "B": 0}])
    assert positive[0]["discrimination"] == pytest.approx(100 * pearson([1, 1, 0, 1], [1, 1, 0, 0]), abs=0.01)
    assert positive[0]["discrimination"] > 0


def test_no_discrimination_flag_before_the_minimum_number_of_responses():
    # the same figures, but 5 responses are fewer than the default 20: nothing is flagged
    stats = {s["question_id"]: s for s in item_statistics(ROWS)}
    assert stats["Q3"]["discrimination"] == -91.29
    assert not stats["Q3"]["negative_discrimination"] and not stats["Q3"]["enough_responses"]
    # two responses from one agent (the case) are never enough
    two = item_statistics([{"A": 1, "B": 0}, {"A": 0, "B": 1}])
    assert two[0]["discrimination"] == -100.0 and not two[0]["negative_discrimination"]
    # 20 responses are: Q3's pattern repeated four times
    many = {s["question_id"]: s for s in item_statistics(ROWS * 4)}
    assert many["Q3"]["attempts"] == 20 and many["Q3"]["enough_responses"] and many["Q3"]["negative_discrimination"]
    assert many["Q3"]["discrimination"] == -91.29


def test_pearson_known_values():
    assert pearson([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0)
    assert pearson([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    assert pearson([1, 1, 1], [1, 2, 3]) is None
    assert pearson([1, 1, 1, 0, 0], [1, 1, 0, 1, 1]) == pytest.approx(-0.08 / (0.24 ** 0.5 * 0.16 ** 0.5))


def test_cronbach_alpha_known_value():
    rows = [[1, 1, 1], [1, 1, 0], [1, 0, 0], [0, 0, 0]]
    # item variances 0.1875 + 0.25 + 0.1875 = 0.625; totals [3,2,1,0] var 1.25 → 1.5 × 0.5 = 0.75
    assert cronbach_alpha(rows) == pytest.approx(0.75)
    assert cronbach_alpha([[1, 1], [1, 1]]) is None
    assert cronbach_alpha([[1, 0]]) is None


def test_csv_export():
    text = to_csv(item_statistics(ROWS), ["question_id", "facility"])
    assert text.splitlines()[:2] == ["question_id,facility", "Q1,60.0"]
