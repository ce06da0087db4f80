"""Question types, each a registered class that presents and grades its own kind of question.

Like CTFd's CHALLENGE_CLASSES: ``QUESTION_TYPES[type]`` is the class for a schema ``type``.
``present(question, rng)`` returns a JSON-able view *without answers* (options shuffled);
``grade(question, response)`` returns a Grade with a score in 0..1.

Two vocabularies:

- **Bank responses** (what ``grade`` takes) name options, items and pairs by their index in the
  question bank: single ``{"choice": i}``, multiple ``{"choices": [i, ...]}``, true_false
  ``{"answer": bool}``, ordering ``{"order": [i, ...]}`` (all items, in the agent's order),
  matching ``{"matches": {"<left i>": <right i>}}``, short_answer ``{"text": "..."}``.
- **Client responses** (what the API and the pages send) use the same shapes, but every option,
  item, left and right is named by an *opaque id* that ``present_keyed`` draws at random for each
  attempt; the id → bank index map (the "key") stays on the server with the attempt, and
  ``to_bank`` translates a client response before grading. A payload therefore carries nothing
  about the answer: neither the bank order, nor a pairing, nor a sortable position.

Matching is graded by value: a left side is right when the chosen right-hand text is the text of
its own pair, so a repeated right-hand answer is never marked wrong (and is shown once).
"""
from __future__ import annotations

import random
import secrets
from dataclasses import asdict, dataclass, field
from typing import Any

from ..content.schema import QUESTION_TYPE_LABELS


class ResponseError(ValueError):
    """The response does not fit the question (wrong shape, index out of range...)."""


@dataclass
class Grade:
    score: float                 # 0..1
    correct: bool                # full marks
    feedback: list[str] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


def _index(value, size: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ResponseError(f"{what} must be an index")
    try:
        number = int(value)
    except ValueError:
        raise ResponseError(f"{what} must be an index") from None
    if not 0 <= number < size:
        raise ResponseError(f"{what} {number} is out of range 0..{size - 1}")
    return number


def _part(key: dict | None, name: str) -> dict | None:
    return None if key is None else key.get(name, {})


def _require(response, key: str):
    if not isinstance(response, dict) or key not in response:
        raise ResponseError(f"the response needs '{key}'")
    return response[key]


def new_ids(count: int) -> list[str]:
    """`count` distinct opaque ids (random, so their order says nothing; never digits only)."""
    ids: list[str] = []
    while len(ids) < count:
        token = "k" + secrets.token_hex(4)
        if token not in ids:
            ids.append(token)
    return ids


def _lookup(key: dict | None, value, what: str):
    """Translate one opaque id to its bank index (legacy attempts without a key pass through)."""
    if key is None:
        return value
    if not isinstance(value, str) or value not in key:
        raise ResponseError(f"{what} must be one of this question's ids")
    return key[value]


class QuestionType:
    name = ""
    label = ""

    @classmethod
    def base_view(cls, question) -> dict:
        return {"id": question.id, "type": question.type, "label": cls.label, "prompt": question.prompt,
                "chapter": question.chapter, "difficulty": question.difficulty}

    @classmethod
    def present(cls, question, rng: random.Random) -> dict:
        return cls.present_keyed(question, rng)[0]

    @classmethod
    def present_keyed(cls, question, rng: random.Random) -> tuple[dict, dict]:
        """(view for the client, key kept on the server: opaque id -> bank index, per list)."""
        return cls.base_view(question), {}

    @classmethod
    def to_bank(cls, question, key: dict | None, response):
        """A client response (opaque ids) as a bank response (indexes); ResponseError when it does not fit."""
        return response

    @classmethod
    def grade(cls, question, response) -> Grade:  # pragma: no cover - abstract
        raise NotImplementedError

    @classmethod
    def right_answer(cls, question) -> dict:
        """The right answer, as a response would carry it (for review pages)."""
        raise NotImplementedError  # pragma: no cover


def _keyed(texts: list[str], rng) -> tuple[list[dict], dict]:
    """The texts in a shuffled order, each under a fresh opaque id; and the id -> index key."""
    order = list(range(len(texts)))
    rng.shuffle(order)
    ids = new_ids(len(order))
    return [{"id": k, "text": texts[i]} for k, i in zip(ids, order)], dict(zip(ids, order))


class OptionsType(QuestionType):
    """Question types answered by picking from the options, shown in a shuffled order."""

    @classmethod
    def present_keyed(cls, question, rng):
        options, key = _keyed([o.text for o in question.options], rng)
        return {**cls.base_view(question), "options": options}, {"options": key}


class SingleChoiceType(OptionsType):
    name, label = "single", QUESTION_TYPE_LABELS["single"]

    @classmethod
    def grade(cls, question, response):
        choice = _index(_require(response, "choice"), len(question.options), "choice")
        option = question.options[choice]
        feedback = [option.feedback] if option.feedback else []
        return Grade(1.0 if option.correct else 0.0, option.correct, feedback, {"choice": choice})

    @classmethod
    def to_bank(cls, question, key, response):
        return {"choice": _lookup(_part(key, "options"), _require(response, "choice"), "choice")}

    @classmethod
    def right_answer(cls, question):
        return {"choice": next(i for i, o in enumerate(question.options) if o.correct)}


class MultipleChoiceType(OptionsType):
    """Partial credit: (right picks - wrong picks) / number of correct options, floored at 0."""
    name, label = "multiple", QUESTION_TYPE_LABELS["multiple"]

    @classmethod
    def grade(cls, question, response):
        raw = _require(response, "choices")
        if not isinstance(raw, list):
            raise ResponseError("choices must be a list of indexes")
        picks = sorted({_index(v, len(question.options), "choice") for v in raw})
        correct = {i for i, o in enumerate(question.options) if o.correct}
        right = len(correct.intersection(picks))
        wrong = len(set(picks) - correct)
        score = max(0.0, (right - wrong) / len(correct))
        feedback = [question.options[i].feedback for i in picks if question.options[i].feedback]
        return Grade(round(score, 4), set(picks) == correct, feedback,
                     {"choices": picks, "right_picks": right, "wrong_picks": wrong, "missed": len(correct) - right})

    @classmethod
    def to_bank(cls, question, key, response):
        raw = _require(response, "choices")
        if not isinstance(raw, list):
            raise ResponseError("choices must be a list of ids")
        return {"choices": [_lookup(_part(key, "options"), v, "choice") for v in raw]}

    @classmethod
    def right_answer(cls, question):
        return {"choices": [i for i, o in enumerate(question.options) if o.correct]}


class TrueFalseType(QuestionType):
    name, label = "true_false", QUESTION_TYPE_LABELS["true_false"]

    @classmethod
    def present_keyed(cls, question, rng):
        return {**cls.base_view(question), "options": [{"value": True, "text": "正确"}, {"value": False, "text": "错误"}]}, {}

    @classmethod
    def grade(cls, question, response):
        answer = _require(response, "answer")
        if isinstance(answer, str) and answer.lower() in ("true", "false"):
            answer = answer.lower() == "true"
        if not isinstance(answer, bool):
            raise ResponseError("answer must be true or false")
        ok = answer == question.answer
        return Grade(1.0 if ok else 0.0, ok, [], {"answer": answer})

    @classmethod
    def right_answer(cls, question):
        return {"answer": question.answer}


class OrderingType(QuestionType):
    """Partial credit by pairs: the share of item pairs the agent put in the right relative order
    (Kendall-style), so one misplaced step costs a little, a reversed list scores 0."""
    name, label = "ordering", QUESTION_TYPE_LABELS["ordering"]

    @classmethod
    def present_keyed(cls, question, rng):
        order = list(range(len(question.items)))
        while len(order) > 1 and order == sorted(order):   # never shown in the right order
            rng.shuffle(order)
        ids = new_ids(len(order))
        return ({**cls.base_view(question), "items": [{"id": k, "text": question.items[i]} for k, i in zip(ids, order)]},
                {"items": dict(zip(ids, order))})

    @classmethod
    def to_bank(cls, question, key, response):
        raw = _require(response, "order")
        if not isinstance(raw, list):
            raise ResponseError(f"order must list all {len(question.items)} items")
        return {"order": [_lookup(_part(key, "items"), v, "item") for v in raw]}

    @classmethod
    def grade(cls, question, response):
        raw = _require(response, "order")
        n = len(question.items)
        if not isinstance(raw, list) or len(raw) != n:
            raise ResponseError(f"order must list all {n} items")
        order = [_index(v, n, "item") for v in raw]
        if len(set(order)) != n:
            raise ResponseError("order lists an item twice")
        position = {item: pos for pos, item in enumerate(order)}
        pairs = [(a, b) for a in range(n) for b in range(a + 1, n)]
        good = sum(position[a] < position[b] for a, b in pairs)
        score = good / len(pairs)
        return Grade(round(score, 4), good == len(pairs), [],
                     {"order": order, "pairs_in_order": good, "pairs": len(pairs),
                      "positions_right": sum(order[i] == i for i in range(n))})

    @classmethod
    def right_answer(cls, question):
        return {"order": list(range(len(question.items)))}


class MatchingType(QuestionType):
    """Per-pair credit: each left side matched to a right side with its own pair's text scores 1/n
    (graded by value, so a right-hand text that repeats is right for every left side it belongs to)."""
    name, label = "matching", QUESTION_TYPE_LABELS["matching"]

    @classmethod
    def present_keyed(cls, question, rng):
        lefts, left_key = _keyed([p.left for p in question.pairs], rng)
        first: dict[str, int] = {}
        for i, pair in enumerate(question.pairs):
            first.setdefault(pair.right, i)          # a repeated right-hand text is offered once
        distinct = list(first.values())
        rights, right_key = _keyed([question.pairs[i].right for i in distinct], rng)
        right_key = {k: distinct[i] for k, i in right_key.items()}
        return ({**cls.base_view(question), "lefts": lefts, "rights": rights},
                {"lefts": left_key, "rights": right_key})

    @classmethod
    def to_bank(cls, question, key, response):
        raw = _require(response, "matches")
        if not isinstance(raw, dict):
            raise ResponseError("matches must map left ids to right ids")
        return {"matches": {str(_lookup(_part(key, "lefts"), k, "left")): _lookup(_part(key, "rights"), v, "right")
                            for k, v in raw.items()}}

    @classmethod
    def grade(cls, question, response):
        raw = _require(response, "matches")
        n = len(question.pairs)
        if not isinstance(raw, dict):
            raise ResponseError("matches must map left indexes to right indexes")
        matches = {_index(k, n, "left"): _index(v, n, "right") for k, v in raw.items()}
        good = sum(1 for left, right in matches.items() if question.pairs[left].right == question.pairs[right].right)
        return Grade(round(good / n, 4), good == n, [],
                     {"matches": {str(k): v for k, v in sorted(matches.items())}, "pairs_right": good, "pairs": n})

    @classmethod
    def right_answer(cls, question):
        return {"matches": {str(i): i for i in range(len(question.pairs))}}


class ShortAnswerType(QuestionType):
    """Graded by meaning: each key point is matched to the answer's closest sentence."""
    name, label = "short_answer", QUESTION_TYPE_LABELS["short_answer"]
    MAX_CHARS = 2000

    @classmethod
    def grade(cls, question, response):
        text = _require(response, "text")
        if not isinstance(text, str):
            raise ResponseError("text must be a string")
        if len(text) > cls.MAX_CHARS:
            raise ResponseError(f"the answer is longer than {cls.MAX_CHARS} characters")
        from .semantic import match_key_points
        result = match_key_points(text, list(question.key_points))
        hit = [m for m in result["matches"] if m["matched"]]
        score = len(hit) / len(question.key_points)
        feedback = [f"未覆盖要点：{m['point']}" for m in result["matches"] if not m["matched"]]
        return Grade(round(score, 4), len(hit) == len(question.key_points), feedback, {"text": text, **result})

    @classmethod
    def right_answer(cls, question):
        return {"text": question.reference[0], "key_points": list(question.key_points)}


QUESTION_TYPES: dict[str, type[QuestionType]] = {
    cls.name: cls for cls in (SingleChoiceType, MultipleChoiceType, TrueFalseType, OrderingType, MatchingType, ShortAnswerType)
}


def question_type(question) -> type[QuestionType]:
    try:
        return QUESTION_TYPES[question.type]
    except KeyError:
        raise ResponseError(f"unknown question type '{question.type}'") from None


def present(question, rng: random.Random | None = None) -> dict:
    return question_type(question).present(question, rng or random.SystemRandom())


def present_keyed(question, rng: random.Random | None = None) -> tuple[dict, dict]:
    """The client view (opaque ids, shuffled) and the server-side key for one question."""
    return question_type(question).present_keyed(question, rng or random.SystemRandom())


def to_bank(question, key: dict | None, response) -> dict:
    """Translate a client response (opaque ids) into bank indexes using the attempt's key."""
    return question_type(question).to_bank(question, key, response)


def grade(question, response) -> Grade:
    return question_type(question).grade(question, response)
