"""Question types: the registry covers the schema, and each type grades (with partial credit)."""
from __future__ import annotations

import random

import pytest

from typing import get_args

from casebook.content.question_types import Question
from casebook.content.question_types import MultipleChoice, Matching, Ordering, ShortAnswer, SingleChoice, TrueFalse
from casebook.quiz.types import QUESTION_TYPES, grade, present
from casebook.quiz.types import ResponseError, present_keyed, to_bank

BASE = dict(chapter="AAA", difficulty=1, rules=["AAA-01"], explanation="因为规则。")
#: The `type` values a quiz file may use: the members of the schema's question union.
SCHEMA_TYPES = [get_args(model.model_fields["type"].annotation)[0] for model in get_args(get_args(Question)[0])]


def test_every_schema_type_is_registered():
    missing = [t for t in SCHEMA_TYPES if t not in QUESTION_TYPES]
    assert missing == [], f"question types without a registered class: {missing}"
    for name, cls in QUESTION_TYPES.items():
        assert cls.name == name and cls.label


def single():
    return SingleChoice(id="AAA-Q01", type="single", prompt="?", options=[
        {"text": "对", "correct": True}, {"text": "错", "feedback": "不对哦"}, {"text": "也错"}], **BASE)


def multiple():
    return MultipleChoice(id="AAA-Q02", type="multiple", prompt="?", options=[
        {"text": "a", "correct": True}, {"text": "b", "correct": True}, {"text": "c"}, {"text": "d"}], **BASE)


def test_single_choice_and_feedback():
    q = single()
    view, key = present_keyed(q, random.Random(1))
    assert sorted(key["options"][o["id"]] for o in view["options"]) == [0, 1, 2]   # opaque ids, key on the server
    assert "correct" not in str(view) and "不对哦" not in str(view)
    assert grade(q, {"choice": 0}).score == 1
    wrong = grade(q, {"choice": 1})
    assert wrong.score == 0 and not wrong.correct and wrong.feedback == ["不对哦"]
    with pytest.raises(ResponseError):
        grade(q, {"choice": 7})
    with pytest.raises(ResponseError):
        grade(q, {"nope": 1})


def test_multiple_choice_partial_credit():
    q = multiple()
    assert grade(q, {"choices": [0, 1]}).score == 1 and grade(q, {"choices": [0, 1]}).correct
    assert grade(q, {"choices": [0]}).score == 0.5              # 1 right of 2
    assert grade(q, {"choices": [0, 1, 2]}).score == 0.5        # (2 - 1) / 2
    assert grade(q, {"choices": [0, 2]}).score == 0             # (1 - 1) / 2
    assert grade(q, {"choices": [2, 3]}).score == 0             # floored at 0
    assert grade(q, {"choices": []}).score == 0


def test_true_false():
    q = TrueFalse(id="AAA-Q03", type="true_false", prompt="?", answer=False, **BASE)
    assert grade(q, {"answer": False}).correct and not grade(q, {"answer": True}).correct
    assert grade(q, {"answer": "false"}).correct   # form posts strings
    with pytest.raises(ResponseError):
        grade(q, {"answer": 3})


def test_ordering_partial_credit_by_pairs():
    q = Ordering(id="AAA-Q04", type="ordering", prompt="?", items=["1", "2", "3", "4"], **BASE)
    assert present(q, random.Random(0))["items"] != [{"index": i, "text": t} for i, t in enumerate(q.items)]
    assert grade(q, {"order": [0, 1, 2, 3]}).score == 1
    assert grade(q, {"order": [3, 2, 1, 0]}).score == 0
    one_swap = grade(q, {"order": [1, 0, 2, 3]})
    assert one_swap.score == pytest.approx(5 / 6, abs=1e-4) and one_swap.detail["pairs_in_order"] == 5
    with pytest.raises(ResponseError):
        grade(q, {"order": [0, 0, 1, 2]})
    with pytest.raises(ResponseError):
        grade(q, {"order": [0, 1]})


def test_matching_per_pair_credit():
    q = Matching(id="AAA-Q05", type="matching", prompt="?",
                 pairs=[{"left": "a", "right": "A"}, {"left": "b", "right": "B"}, {"left": "c", "right": "C"}], **BASE)
    view = present(q, random.Random(3))
    assert {r["text"] for r in view["rights"]} == {"A", "B", "C"}
    assert grade(q, {"matches": {"0": 0, "1": 1, "2": 2}}).correct
    assert grade(q, {"matches": {"0": 0, "1": 2, "2": 1}}).score == pytest.approx(1 / 3, abs=1e-4)
    assert grade(q, {"matches": {"0": 0}}).score == pytest.approx(1 / 3, abs=1e-4)
    with pytest.raises(ResponseError):
        grade(q, {"matches": {"0": 9}})


@pytest.fixture(scope="module")
def repo_matcher():
    from casebook.content import load_project
    from casebook.scoring import point_matcher
    from tests.conftest import REPO
    return point_matcher(load_project(REPO))


def test_short_answer_graded_by_the_scorers_matcher_with_evidence(repo_matcher):
    q = ShortAnswer(id="AAA-Q06", type="short_answer", prompt="有人在群里发广告，你怎么处理？",
                    reference=["先撤回广告，再私聊提醒群规。"],
                    key_points=["撤回广告消息", "私聊提醒发布者遵守群规"], **BASE)
    good = grade(q, {"text": "我会马上把这条广告撤回删除。然后私下联系发广告的人，提醒他遵守群规。"}, repo_matcher)
    assert good.correct and good.score == 1
    matches = good.detail["matches"]
    assert "撤回" in matches[0]["sentence"] and "群规" in matches[1]["sentence"]
    assert all(m["probability"] >= good.detail["threshold"] for m in matches)
    half = grade(q, {"text": "我会马上把这条广告撤回删除。今天天气很好，适合出去玩！"}, repo_matcher)
    assert half.score == 0.5 and any("私聊" in f for f in half.feedback)
    off = grade(q, {"text": "今天的天气不错，我们去公园散步吧。"}, repo_matcher)
    assert off.score == 0
    assert grade(q, {"text": ""}, repo_matcher).score == 0
    with pytest.raises(ValueError):   # free text is never graded without the matcher
        grade(q, {"text": "撤回广告"})


def test_every_type_makes_a_sample_response_its_grader_accepts(repo_matcher):
    """sample_response (what `casebook bench load` sends) fits every question type's presented view."""
    import random

    from casebook.content import load_project
    from casebook.content.question_types import QUESTION_TYPES
    from tests.conftest import REPO
    project = load_project(REPO)
    seen = set()
    for located in project.questions.values():
        question = located.obj
        qtype = QUESTION_TYPES[question.type]
        view, key = qtype.present_keyed(question, random.Random(1))
        response = qtype.sample_response(view, random.Random(2))
        qtype.grade(question, qtype.to_bank(question, key, response), repo_matcher)    # raises ResponseError when it does not fit
        seen.add(question.type)
    assert seen == set(QUESTION_TYPES)
