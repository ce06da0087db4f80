"""The payload gives nothing away: an agent who reads only what the API sends (ids, order of
entries) and knows nothing scores at chance on ordering and matching, never 100 %."""
from __future__ import annotations

import random
import statistics

import pytest

from casebook.content.question_types import Matching, Ordering, SingleChoice
from casebook.quiz.types import ResponseError, grade, present_keyed, to_bank

BASE = dict(chapter="AAA", difficulty=1, rules=["AAA-01"], explanation="因为规则。")
TRIALS = 400


def ordering():
    return Ordering(id="AAA-Q04", type="ordering", prompt="?", items=["一", "二", "三", "四", "五"], **BASE)


def matching(rights=("A", "B", "C", "D")):
    return Matching(id="AAA-Q05", type="matching", prompt="?",
                    pairs=[{"left": l, "right": r} for l, r in zip("abcd", rights)], **BASE)


def blind_scores(question, strategy, seed=7):
    rng = random.Random(seed)
    scores = []
    for _ in range(TRIALS):
        view, key = present_keyed(question, rng)
        response = strategy(view)
        scores.append(grade(question, to_bank(question, key, response)).score)
    return scores


ORDERING_STRATEGIES = {
    "as shown": lambda v: {"order": [e["id"] for e in v["items"]]},
    "reversed": lambda v: {"order": [e["id"] for e in v["items"]][::-1]},
    "lowest id first": lambda v: {"order": sorted(e["id"] for e in v["items"])},
}
MATCHING_STRATEGIES = {
    "i-th left to i-th right": lambda v: {"matches": {l["id"]: r["id"] for l, r in zip(v["lefts"], v["rights"])}},
    "sorted ids paired": lambda v: {"matches": dict(zip(sorted(e["id"] for e in v["lefts"]),
                                                        sorted(e["id"] for e in v["rights"])))},
    "all to the first right": lambda v: {"matches": {l["id"]: v["rights"][0]["id"] for l in v["lefts"]}},
}


@pytest.mark.parametrize("name", ORDERING_STRATEGIES)
def test_blind_agent_scores_at_chance_on_ordering(name):
    scores = blind_scores(ordering(), ORDERING_STRATEGIES[name])
    # chance: half of the item pairs in the right order on average; a leak would give 1.0
    assert 0.35 < statistics.mean(scores) < 0.65, (name, statistics.mean(scores))
    assert statistics.mean(s == 1 for s in scores) < 0.05


@pytest.mark.parametrize("name", MATCHING_STRATEGIES)
def test_blind_agent_scores_at_chance_on_matching(name):
    scores = blind_scores(matching(), MATCHING_STRATEGIES[name])
    # chance: 1 right pair of 4 on average (1/n); a leak would give 1.0
    assert 0.12 < statistics.mean(scores) < 0.38, (name, statistics.mean(scores))
    assert statistics.mean(s == 1 for s in scores) < 0.1


def test_blind_agent_scores_at_chance_on_single_choice():
    q = SingleChoice(id="AAA-Q01", type="single", prompt="?",
                     options=[{"text": "对", "correct": True}, {"text": "错"}, {"text": "也错"}, {"text": "还错"}], **BASE)
    first = blind_scores(q, lambda v: {"choice": v["options"][0]["id"]})
    lowest = blind_scores(q, lambda v: {"choice": min(e["id"] for e in v["options"])})
    assert 0.1 < statistics.mean(first) < 0.4 and 0.1 < statistics.mean(lowest) < 0.4


def test_payload_has_no_bank_positions():
    view, key = present_keyed(matching(), random.Random(1))
    for entry in view["lefts"] + view["rights"]:
        assert set(entry) == {"id", "text"} and not entry["id"].isdigit()
    assert "key" not in str(view) and str(key["lefts"]) not in str(view)
    with pytest.raises(ResponseError):                       # bank indexes are not accepted
        to_bank(matching(), key, {"matches": {"0": 0}})
    with pytest.raises(ResponseError):
        to_bank(ordering(), present_keyed(ordering(), random.Random(1))[1], {"order": [0, 1, 2, 3, 4]})


def test_each_attempt_draws_new_ids():
    a = present_keyed(ordering(), random.Random(1))[0]
    b = present_keyed(ordering(), random.Random(1))[0]
    assert {e["id"] for e in a["items"]}.isdisjoint({e["id"] for e in b["items"]})


def test_matching_graded_by_value_when_a_right_answer_repeats():
    q = matching(rights=("禁言", "禁言", "移出群聊", "警告"))
    view, key = present_keyed(q, random.Random(2))
    assert sorted(r["text"] for r in view["rights"]) == ["禁言", "移出群聊", "警告"]   # the repeat is offered once
    by_text = {r["id"]: r["text"] for r in view["rights"]}
    right_of = {p.left: p.right for p in q.pairs}
    response = {l["id"]: next(k for k, t in by_text.items() if t == right_of[l["text"]]) for l in view["lefts"]}
    result = grade(q, to_bank(q, key, {"matches": response}))
    assert result.correct and result.score == 1
    # in bank terms too: left 1 matched to pair 0's right ("禁言") is right, not wrong
    assert grade(q, {"matches": {"0": 1, "1": 0, "2": 2, "3": 3}}).correct
