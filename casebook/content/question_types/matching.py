"""Matching: pair each left side with its right side; graded by value."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator

from ..schema import Pair, QuestionBase
from .base import Grade, QuestionType, ResponseError, _index, _keyed, _lookup, _part, _require


class Matching(QuestionBase):
    type: Literal["matching"]
    pairs: Annotated[list[Pair], Field(min_length=3)]

    @field_validator("pairs")
    @classmethod
    def _unique_left(cls, value):
        lefts = [p.left for p in value]
        if len(set(lefts)) != len(lefts):
            raise ValueError("matching pairs need distinct left sides")
        return value


class MatchingType(QuestionType):
    """Per-pair credit: each left side matched to a right side with its own pair's text scores 1/n
    (graded by value, so a right-hand text that repeats is right for every left side it belongs to)."""
    name, label, model = "matching", "配对题", Matching
    #: its form fields on the quiz page (Jinja; q: the presented view, r: the saved response, f: the field prefix)
    form_fields = """{% set m = r.matches or {} %}
{% for l in q.lefts %}<label class="opt match"><span>{{ l.text }} →</span>
  <select name="{{ f }}match_{{ l.id }}" data-left="{{ l.id }}"><option value="">请选择</option>
    {% for rt in q.rights %}<option value="{{ rt.id }}" {% if m.get(l.id) is not none and m.get(l.id)|string == rt.id %}selected{% endif %}>{{ rt.text }}</option>{% endfor %}
  </select></label>{% endfor %}"""
    xapi_interaction = "matching"

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
    def sample_response(cls, view, rng):
        rights = [right["id"] for right in view["rights"]]
        rng.shuffle(rights)
        return {"matches": {left["id"]: right for left, right in zip(view["lefts"], rights)}}

    @classmethod
    def grade(cls, question, response, matcher=None):
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

    @classmethod
    def describe(cls, question, response):
        pairs = sorted(((int(k), int(v)) for k, v in response["matches"].items()))
        return "；".join(f"{question.pairs[k].left} ↔ {question.pairs[v].right}" for k, v in pairs)

    @classmethod
    def from_form(cls, question, presented, get, getlist):
        matches = {e["id"]: get(f"match_{e['id']}") for e in presented.get("lefts", []) if get(f"match_{e['id']}") != ""}
        return {"matches": matches} if matches else None
